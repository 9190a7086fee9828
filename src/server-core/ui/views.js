// One function per view: each fills `main` from the admin API and wires its forms.
import { request } from "./api.js";
import { usageChart } from "./chart.js";

const PAGE_SIZE_KEY = "lmkeeper.pageSize";

export function pageSize() {
  const stored = Number(localStorage.getItem(PAGE_SIZE_KEY));
  return Number.isInteger(stored) && stored >= 1 && stored <= 1000 ? stored : 50;
}

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function table(headers, rows, id) {
  return h(
    "table",
    { id },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map(([label, cls]) => h("th", { class: cls }, label)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

const num = (value) => h("td", { class: "num" }, value === null ? "uncounted" : value);

// ---- Features

export async function features(main, ui, params) {
  const page = Number(params.get("page")) || 1;
  const search = params.get("search") ?? "";
  const size = pageSize();
  const query = new URLSearchParams({ page: String(page), size: String(size) });
  if (search) query.set("search", search);
  const data = await request("GET", `/features?${query}`);
  const go = (target, term = search) => {
    const next = new URLSearchParams({ page: String(target) });
    if (term) next.set("search", term);
    location.hash = `#/features?${next}`;
  };
  const searchBox = h("input", {
    id: "feature-search",
    name: "search",
    value: search,
    placeholder: "exact feature name",
  });
  main.replaceChildren(
    h("h2", {}, "Features"),
    h(
      "form",
      {
        class: "inline",
        id: "feature-search-form",
        onsubmit: (event) => {
          event.preventDefault();
          go(1, searchBox.value.trim());
        },
      },
      h("label", {}, "Feature name", searchBox),
      h("button", { type: "submit" }, "Search"),
      search ? h("button", { type: "button", onclick: () => go(1, "") }, "Show all") : null,
    ),
    table(
      [
        ["Name"],
        ["Version"],
        ["Total", "num"],
        ["Used", "num"],
        ["Available", "num"],
        ["First expiration"],
        ["Last expiration"],
        ["Overdraft", "num"],
        ["Metered"],
        ["Counted"],
      ],
      data.features.map((row) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `#/features/${encodeURIComponent(row.name)}` }, row.name)),
          h("td", {}, row.version),
          num(row.total),
          num(row.used),
          num(row.available),
          h("td", {}, row.firstExpiration),
          h("td", {}, row.lastExpiration),
          num(row.overdraft),
          h("td", {}, row.metered ? "yes" : "no"),
          h("td", {}, row.counted ? "yes" : "no"),
        ),
      ),
      "features-table",
    ),
    h(
      "div",
      { class: "pager" },
      h(
        "button",
        { type: "button", id: "prev-page", disabled: page <= 1, onclick: () => go(page - 1) },
        "Previous",
      ),
      h(
        "span",
        { id: "page-info" },
        `Page ${data.page} of ${data.pages} (${data.total} features, ${data.size} per page)`,
      ),
      h(
        "button",
        {
          type: "button",
          id: "next-page",
          disabled: page >= data.pages,
          onclick: () => go(page + 1),
        },
        "Next",
      ),
    ),
  );
  if (search && data.total === 0) ui.info(`No feature is named "${search}"`);
}

export async function featureDetail(main, _ui, name) {
  const data = await request("GET", `/features/${encodeURIComponent(name)}`);
  main.replaceChildren(
    h("h2", {}, `Feature ${data.name}`),
    table(
      [
        ["Version"],
        ["Vendor"],
        ["Total", "num"],
        ["Used", "num"],
        ["Available", "num"],
        ["First expiration"],
        ["Last expiration"],
        ["Pools", "num"],
      ],
      data.versions.map((row) =>
        h(
          "tr",
          {},
          h("td", {}, row.version),
          h("td", {}, row.vendor),
          num(row.total),
          num(row.used),
          num(row.available),
          h("td", {}, row.firstExpiration),
          h("td", {}, row.lastExpiration),
          num(row.pools),
        ),
      ),
    ),
    h("h3", {}, "Devices holding it"),
    data.holders.length === 0
      ? h("p", { class: "muted" }, "No device holds this feature right now.")
      : table(
          [["Device"], ["User"], ["Host"], ["Seats", "num"], ["Lease expires"]],
          data.holders.map((row) =>
            h(
              "tr",
              {},
              h(
                "td",
                {},
                h("a", { href: `#/devices/${encodeURIComponent(row.deviceId)}` }, row.deviceId),
              ),
              h("td", {}, row.user),
              h("td", {}, row.host),
              num(row.count),
              h("td", {}, row.expires),
            ),
          ),
          "holders-table",
        ),
  );
}

// ---- Devices

export async function devices(main) {
  const data = await request("GET", "/devices");
  main.replaceChildren(
    h("h2", {}, "Devices"),
    data.devices.length === 0
      ? h("p", { class: "muted" }, "No device holds a license right now.")
      : table(
          [["Device ID"], ["ID type"], ["Device type"], ["Alias"], ["Seats", "num"]],
          data.devices.map((row) =>
            h(
              "tr",
              {},
              h(
                "td",
                {},
                h("a", { href: `#/devices/${encodeURIComponent(row.deviceId)}` }, row.deviceId),
              ),
              h("td", {}, row.idType),
              h("td", {}, row.deviceType),
              h("td", {}, row.alias),
              num(row.seats),
            ),
          ),
          "devices-table",
        ),
  );
}

export async function deviceDetail(main, _ui, id) {
  const data = await request("GET", `/devices/${encodeURIComponent(id)}`);
  main.replaceChildren(
    h("h2", {}, `Device ${data.deviceId}`),
    h(
      "dl",
      {},
      h("dt", {}, "ID type"),
      h("dd", {}, data.idType),
      h("dt", {}, "Device type"),
      h("dd", {}, data.deviceType),
      h("dt", {}, "Alias"),
      h("dd", {}, data.alias),
    ),
    h("h3", {}, "Served features"),
    table(
      [["Feature"], ["Version"], ["Seats", "num"], ["User"], ["Expires"]],
      data.features.map((row) =>
        h(
          "tr",
          {},
          h("td", {}, row.feature),
          h("td", {}, row.version),
          num(row.count),
          h("td", {}, row.user),
          h("td", {}, row.expires),
        ),
      ),
      "device-features",
    ),
  );
}

// ---- Named License Pools

/** A pool's features, a page at a time: the default pool may hold thousands. */
function pagedPool(pool) {
  const size = pageSize();
  const pages = Math.max(1, Math.ceil(pool.features.length / size));
  const body = h("tbody");
  const info = h("span", { class: "pool-page" });
  const previous = h("button", { type: "button", class: "pool-prev" }, "Previous");
  const next = h("button", { type: "button", class: "pool-next" }, "Next");
  let page = 1;
  const show = () => {
    const rows = pool.features.slice((page - 1) * size, page * size);
    body.replaceChildren(
      ...rows.map((row) =>
        h(
          "tr",
          {},
          h("td", {}, row.feature),
          h("td", {}, row.version),
          num(row.allocated),
          num(row.used),
        ),
      ),
    );
    info.textContent = `Page ${page} of ${pages} (${pool.features.length} features)`;
    previous.disabled = page <= 1;
    next.disabled = page >= pages;
  };
  previous.addEventListener("click", () => {
    page -= 1;
    show();
  });
  next.addEventListener("click", () => {
    page += 1;
    show();
  });
  show();
  return h(
    "section",
    { class: "pool", "data-pool": pool.name },
    h("h3", {}, pool.name),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Feature"),
          h("th", {}, "Version"),
          h("th", { class: "num" }, "Allocated"),
          h("th", { class: "num" }, "Used"),
        ),
      ),
      body,
    ),
    pages > 1 ? h("div", { class: "pager" }, previous, info, next) : null,
  );
}

export async function pools(main, ui) {
  const [poolData, modelData] = await Promise.all([
    request("GET", "/pools"),
    request("GET", "/model-definition"),
  ]);
  const model = modelData.model;
  const textArea = h("textarea", { id: "model-text", name: "model" }, model ? model.text : "");
  const fileInput = h("input", {
    type: "file",
    id: "model-file",
    accept: ".txt,.model,text/plain",
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (file) textArea.value = await file.text();
  });
  const upload = async (event) => {
    event.preventDefault();
    const view = await ui.act(() => request("PUT", "/model", textArea.value, "text/plain"));
    if (view) {
      await ui.render();
      ui.info(`Model "${view.name}" loaded with pools ${view.partitions.join(", ")}`);
    }
  };
  const remove = async () => {
    const done = await ui.act(() => request("DELETE", "/model"));
    if (done) {
      await ui.render();
      ui.info("Model definition deleted");
    }
  };
  main.replaceChildren(
    h("h2", {}, "Named License Pools"),
    ...poolData.pools.map((pool) => pagedPool(pool)),
    h("h3", {}, "Model definition"),
    model
      ? h(
          "p",
          { id: "model-name" },
          `Loaded: ${model.name} (pools ${model.partitions.join(", ")})`,
          model.problem ? h("span", { class: "unsatisfiable" }, ` ${model.problem}`) : null,
        )
      : h("p", { id: "model-name", class: "muted" }, "No model definition is loaded."),
    h(
      "form",
      { id: "model-form", onsubmit: upload },
      h("label", {}, "Load from a file", fileInput),
      textArea,
      h("button", { type: "submit" }, "Upload model"),
      model
        ? h("button", { type: "button", id: "delete-model", onclick: remove }, "Delete model")
        : null,
    ),
  );
}

// ---- Reservations

const ID_TYPES = ["STRING", "ETHERNET", "VM_UUID", "USER"];

export async function reservations(main, ui) {
  const data = await request("GET", "/reservations");
  const pending = [];
  const groups = [...new Set(data.reservations.map((row) => row.group))];
  const field = (name, attrs = {}) => h("input", { name, id: `entry-${name}`, ...attrs });
  const entry = {
    hostId: field("hostId", { placeholder: "host id" }),
    idType: h(
      "select",
      { name: "idType", id: "entry-idType" },
      ID_TYPES.map((type) => h("option", { value: type }, type)),
    ),
    feature: field("feature", { placeholder: "feature" }),
    version: field("version", { placeholder: "1.0" }),
    count: field("count", { type: "number", min: "1", value: "1" }),
  };
  const groupName = h("input", { name: "group", id: "group-name", placeholder: "group name" });
  const pendingBody = h("tbody", { id: "pending-entries" });
  const showPending = () =>
    pendingBody.replaceChildren(
      ...pending.map((row, index) =>
        h(
          "tr",
          {},
          h("td", {}, row.hostId),
          h("td", {}, row.idType),
          h("td", {}, row.feature),
          h("td", {}, row.version),
          num(row.count),
          h(
            "td",
            {},
            h(
              "button",
              {
                type: "button",
                onclick: () => {
                  pending.splice(index, 1);
                  showPending();
                },
              },
              "Remove",
            ),
          ),
        ),
      ),
    );
  const addEntry = () => {
    const row = {
      hostId: entry.hostId.value.trim(),
      idType: entry.idType.value,
      feature: entry.feature.value.trim(),
      version: entry.version.value.trim(),
      count: Number(entry.count.value),
    };
    const missing = ["hostId", "feature", "version"].filter((name) => !row[name]);
    if (missing.length > 0) return ui.error(`The entry needs ${missing.join(", ")}`);
    pending.push(row);
    showPending();
    ui.clear();
  };
  const saveGroup = async (event) => {
    event.preventDefault();
    const name = groupName.value.trim();
    if (!name) return ui.error("The group needs a name");
    if (pending.length === 0) return ui.error("Add at least one entry to the group first");
    const done = await ui.act(() =>
      request("POST", "/reservations", { name, reservations: pending }),
    );
    if (done) {
      await ui.render();
      ui.info(`Reservation group "${name}" added`);
    }
  };
  const deleteGroup = async (name) => {
    const done = await ui.act(() => request("DELETE", `/reservations/${encodeURIComponent(name)}`));
    if (done) {
      await ui.render();
      ui.info(`Reservation group "${name}" deleted`);
    }
  };
  const exportLink = async () => {
    const document_ = await ui.act(() => request("GET", "/reservations/export"));
    if (!document_) return;
    const text = JSON.stringify(document_, null, 2);
    exported.replaceChildren(
      h(
        "a",
        {
          id: "export-download",
          href: `data:application/json;charset=utf-8,${encodeURIComponent(text)}`,
          download: "reservations.json",
        },
        "Download reservations.json",
      ),
      h("pre", { id: "export-text" }, text),
    );
  };
  const exported = h("div", { id: "export" });
  const importFile = h("input", {
    type: "file",
    id: "import-file",
    accept: ".json,application/json",
  });
  const importGroups = async () => {
    const file = importFile.files && importFile.files[0];
    if (!file) return ui.error("Choose a JSON file to import");
    let body;
    try {
      body = JSON.parse(await file.text());
    } catch (error) {
      return ui.error(`${file.name} is not JSON: ${error.message}`);
    }
    const done = await ui.act(() => request("POST", "/reservations/import", body));
    if (done) {
      await ui.render();
      ui.info(`Imported ${done.imported.join(", ")}`);
    }
  };
  main.replaceChildren(
    h("h2", {}, "Reservations"),
    data.reservations.length === 0
      ? h("p", { class: "muted", id: "no-reservations" }, "No reservations.")
      : table(
          [
            ["Group"],
            ["Host ID"],
            ["ID type"],
            ["Feature"],
            ["Version"],
            ["Count", "num"],
            ["Status"],
          ],
          data.reservations.map((row) =>
            h(
              "tr",
              {},
              h("td", {}, row.group),
              h("td", {}, row.hostId),
              h("td", {}, row.idType),
              h("td", {}, row.feature),
              h("td", {}, row.version),
              num(row.count),
              h("td", { class: row.status }, row.status),
            ),
          ),
          "reservations-table",
        ),
    groups.length > 0
      ? h(
          "div",
          { class: "panel" },
          "Delete a group: ",
          groups.map((name) =>
            h(
              "button",
              { type: "button", "data-delete-group": name, onclick: () => deleteGroup(name) },
              `Delete ${name}`,
            ),
          ),
        )
      : null,
    h(
      "form",
      { id: "group-form", onsubmit: saveGroup },
      h("h3", {}, "Add a group"),
      h("label", {}, "Group name", groupName),
      h(
        "div",
        { class: "inline" },
        h("label", {}, "Host ID", entry.hostId),
        h("label", {}, "ID type", entry.idType),
        h("label", {}, "Feature", entry.feature),
        h("label", {}, "Version", entry.version),
        h("label", {}, "Count", entry.count),
        h("button", { type: "button", id: "add-entry", onclick: addEntry }, "Add entry"),
      ),
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Host ID", "ID type", "Feature", "Version", "Count", ""].map((label) =>
              h("th", {}, label),
            ),
          ),
        ),
        pendingBody,
      ),
      h("button", { type: "submit", id: "save-group" }, "Save group"),
    ),
    h(
      "div",
      { class: "panel" },
      h("h3", {}, "Import and export"),
      h("label", {}, "Import groups (JSON)", importFile),
      h("button", { type: "button", id: "import-groups", onclick: importGroups }, "Import"),
      " ",
      h("button", { type: "button", id: "export-groups", onclick: exportLink }, "Export JSON"),
      exported,
    ),
  );
}

// ---- Usage over time

export async function usage(main, _ui, params) {
  const wanted = params.get("features") ?? "";
  const data = await request(
    "GET",
    `/usage-history${wanted ? `?features=${encodeURIComponent(wanted)}` : ""}`,
  );
  const input = h("input", {
    id: "usage-features",
    value: wanted,
    placeholder: "solver,mesher (busiest when empty)",
  });
  main.replaceChildren(
    h("h2", {}, "Usage over time"),
    h(
      "p",
      { class: "legend" },
      `A sample every ${data.sampleSeconds} s, the last ${data.capacity} kept (${data.samples} so far). Solid: seats used; dashed: total.`,
    ),
    h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault();
          location.hash = `#/usage?features=${encodeURIComponent(input.value.trim())}`;
        },
      },
      h("label", {}, "Features", input),
      h("button", { type: "submit" }, "Show"),
    ),
    h(
      "div",
      { id: "charts" },
      data.series.map((series) => usageChart(series)),
    ),
  );
}

// ---- Properties, Settings, About

function definitions(entries) {
  return h(
    "dl",
    {},
    entries.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
  );
}

export async function properties(main) {
  const data = await request("GET", "/properties");
  main.replaceChildren(
    h("h2", {}, "Properties"),
    h(
      "p",
      { class: "muted" },
      "Policy settings come from the server's config file and apply when it starts; change them there.",
    ),
    definitions([
      ["Lease seconds", data.leaseSeconds],
      ["Sweep seconds", data.sweepSeconds],
      ["Usage sample seconds", data.usageSampleSeconds],
      ["License files", data.licenseFiles.join(", ") || "none"],
      ["Entitlements", data.entitlements],
      ["Access config", data.accessConfig ?? "none"],
      ["Failover role", data.failover ?? "none"],
      ["Offline updates", data.offlineUpdates ? "enabled" : "disabled"],
      ["Log level", data.logLevel],
    ]),
  );
}

export async function settings(main, ui) {
  const [listen, props] = await Promise.all([
    request("GET", "/settings/listen"),
    request("GET", "/properties"),
  ]);
  const size = h("input", {
    id: "page-size",
    type: "number",
    min: "1",
    max: "1000",
    value: String(pageSize()),
  });
  const port = h("input", {
    id: "listen-port",
    type: "number",
    min: "1",
    max: "65535",
    value: String(listen.next.port),
  });
  const bind = h("input", { id: "listen-bind", value: listen.next.bind });
  const saveSize = (event) => {
    event.preventDefault();
    const value = Number(size.value);
    if (!Number.isInteger(value) || value < 1 || value > 1000)
      return ui.error("Page size must be a whole number from 1 to 1000");
    localStorage.setItem(PAGE_SIZE_KEY, String(value));
    ui.info(`Page size set to ${value}`);
  };
  const saveListen = async (event) => {
    event.preventDefault();
    const answer = await ui.act(() =>
      request("PUT", "/settings/listen", { port: Number(port.value), bind: bind.value.trim() }),
    );
    if (answer) {
      await ui.render();
      ui.info(answer.message);
    }
  };
  main.replaceChildren(
    h("h2", {}, "Settings"),
    h(
      "form",
      { class: "inline", id: "page-size-form", onsubmit: saveSize },
      h("label", {}, "Rows per page", size),
      h("button", { type: "submit" }, "Save"),
    ),
    h(
      "form",
      { class: "inline", id: "listen-form", onsubmit: saveListen },
      h("label", {}, "Server host (bind address)", bind),
      h("label", {}, "Port", port),
      h("button", { type: "submit" }, "Save (applies at restart)"),
    ),
    h(
      "p",
      { id: "listen-message", class: listen.restartRequired ? "unsatisfiable" : "muted" },
      listen.message,
    ),
    definitions([
      ["Host name", props.hostname],
      [
        "HTTPS",
        props.https
          ? "on (certificate from the config file; restart to change)"
          : "off (set tls in the config file and restart)",
      ],
    ]),
  );
}

export async function about(main) {
  const data = await request("GET", "/about");
  main.replaceChildren(
    h("h2", {}, "About"),
    definitions([
      ["Product", data.product],
      ["Server version", data.version],
      ["Build", `Node.js ${data.node} on ${data.platform}`],
      ["Host name", data.hostname],
      ["Running since", data.startedAt],
    ]),
  );
}
