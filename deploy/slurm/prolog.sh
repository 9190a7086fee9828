#!/bin/sh
# PrologSlurmctld wrapper. In slurm.conf (absolute path: slurmctld sets no PATH):
#   PrologSlurmctld=/usr/lib/lmkeeper/slurm/prolog.sh
# Runs as SlurmUser on the slurmctld host before the job starts. Exit 0 lets the job start;
# any other status makes slurmctld requeue a batch job (and cancel salloc/srun jobs).
# `lmkeeper slurm prolog` bounds its own API call (slurm.hook_timeout); timeout(1)
# is the last guard so slurmctld, which waits for the prolog forever, is never stuck.
set -a
# LMKEEPER_OIDC_CLIENT_SECRET=… (readable by SlurmUser only)
[ -r /etc/lmkeeper/slurm-hooks.env ] && . /etc/lmkeeper/slurm-hooks.env
set +a
: "${LMKEEPER_CONFIG:=/etc/lmkeeper/agent.yaml}"
export LMKEEPER_CONFIG
exec /usr/bin/timeout --kill-after=5 "${LMKEEPER_HOOK_TIMEOUT:-30}" "${LMKEEPER_BIN:-/usr/bin/lmkeeper}" slurm prolog
