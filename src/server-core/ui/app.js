// The web manager: login, a hash router over the views, and one message line for every outcome.
import { ApiError, credentials, forget, request, setPassword } from "./api.js";
import * as views from "./views.js";

const { h } = views;
const main = document.getElementById("view");
const nav = document.getElementById("nav");
const message = document.getElementById("message");

const ui = {
  error(text) {
    message.className = "error";
    message.textContent = text;
    message.hidden = false;
  },
  info(text) {
    message.className = "info";
    message.textContent = text;
    message.hidden = false;
  },
  clear() {
    message.hidden = true;
    message.textContent = "";
  },
  /** Runs an action; a failure shows the server's reason and yields undefined. */
  async act(work) {
    try {
      const result = await work();
      ui.clear();
      return result ?? {};
    } catch (error) {
      if (!handleAuthFailure(error)) ui.error(error.message);
      return undefined;
    }
  },
  render,
};

const ROUTES = [
  [
    /^\/features\/(.+)$/,
    (params, match) => views.featureDetail(main, ui, decodeURIComponent(match[1])),
  ],
  [/^\/features$/, (params) => views.features(main, ui, params)],
  [
    /^\/devices\/(.+)$/,
    (params, match) => views.deviceDetail(main, ui, decodeURIComponent(match[1])),
  ],
  [/^\/devices$/, () => views.devices(main, ui)],
  [/^\/pools$/, () => views.pools(main, ui)],
  [/^\/reservations$/, () => views.reservations(main, ui)],
  [/^\/usage$/, (params) => views.usage(main, ui, params)],
  [/^\/properties$/, () => views.properties(main, ui)],
  [/^\/settings$/, () => views.settings(main, ui)],
  [/^\/about$/, () => views.about(main, ui)],
];

/** Login problems take the user back to a form; true when the error was one of them. */
function handleAuthFailure(error) {
  if (!(error instanceof ApiError)) return false;
  if (error.code === "DEFAULT_PASSWORD_MUST_CHANGE") {
    showChangePassword(error.message);
    return true;
  }
  if (error.status === 401 || error.status === 429) {
    forget();
    showLogin(
      error.status === 429 ? `Locked out: ${error.message}` : `Access denied: ${error.message}`,
    );
    return true;
  }
  return false;
}

async function render() {
  if (!credentials()) return showLogin();
  nav.hidden = false;
  const [path, query = ""] = (location.hash.slice(1) || "/features").split("?");
  const params = new URLSearchParams(query);
  for (const link of nav.querySelectorAll("a"))
    link.classList.toggle("active", path.startsWith(link.getAttribute("href").slice(1)));
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  if (!route) {
    main.replaceChildren(h("h2", {}, "Not found"));
    return ui.error(`No view at ${path}`);
  }
  try {
    await route[1](params, path.match(route[0]));
    main.dataset.view = path.split("/")[1];
  } catch (error) {
    if (!handleAuthFailure(error)) {
      main.replaceChildren(h("h2", {}, "Cannot show this view"));
      ui.error(error.message);
    }
  }
}

function showLogin(problem) {
  nav.hidden = true;
  const password = h("input", {
    type: "password",
    id: "login-password",
    name: "password",
    autocomplete: "current-password",
  });
  const submit = async (event) => {
    event.preventDefault();
    setPassword(password.value);
    try {
      await request("GET", "/about");
      ui.clear();
      await render();
    } catch (error) {
      if (!handleAuthFailure(error)) {
        forget();
        ui.error(error.message);
      }
    }
  };
  main.dataset.view = "login";
  main.replaceChildren(
    h("h2", {}, "Log in"),
    h(
      "form",
      { id: "login-form", class: "inline", onsubmit: submit },
      h("label", {}, "User", h("input", { value: "admin", disabled: true })),
      h("label", {}, "Password", password),
      h("button", { type: "submit" }, "Log in"),
    ),
  );
  if (problem) ui.error(problem);
  password.focus();
}

function showChangePassword(reason) {
  nav.hidden = true;
  const next = h("input", { type: "password", id: "new-password", autocomplete: "new-password" });
  const again = h("input", {
    type: "password",
    id: "new-password-again",
    autocomplete: "new-password",
  });
  const submit = async (event) => {
    event.preventDefault();
    if (next.value !== again.value) return ui.error("The two new passwords differ");
    try {
      await request("PUT", "/password", { newPassword: next.value });
      setPassword(next.value);
      await render();
      ui.info("Password changed");
    } catch (error) {
      if (!handleAuthFailure(error)) ui.error(error.message);
    }
  };
  main.dataset.view = "change-password";
  main.replaceChildren(
    h("h2", {}, "Change the default password"),
    h(
      "p",
      {},
      "The server still uses its default admin password. Choose a new one: 8 to 30 characters with a lowercase and an uppercase letter, a digit and a symbol.",
    ),
    h(
      "form",
      { id: "password-form", class: "inline", onsubmit: submit },
      h("label", {}, "New password", next),
      h("label", {}, "Again", again),
      h("button", { type: "submit" }, "Change password"),
    ),
  );
  ui.error(reason);
}

document.getElementById("logout").addEventListener("click", () => {
  forget();
  location.hash = "";
  ui.clear();
  showLogin();
});
window.addEventListener("hashchange", () => {
  ui.clear();
  render();
});
render();
