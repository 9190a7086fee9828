#!/bin/sh
# EpilogSlurmctld wrapper. In slurm.conf (absolute path: slurmctld sets no PATH):
#   EpilogSlurmctld=/usr/lib/lmkeeper/slurm/epilog.sh
# Runs as SlurmUser on the slurmctld host when the job ends and deletes its bookings from
# the License Manager API. A non-zero status is only logged by slurmctld; bookings the
# epilog could not delete are expired by the agent.
set -a
[ -r /etc/lmkeeper/slurm-hooks.env ] && . /etc/lmkeeper/slurm-hooks.env
set +a
: "${LMKEEPER_CONFIG:=/etc/lmkeeper/agent.yaml}"
export LMKEEPER_CONFIG
exec /usr/bin/timeout --kill-after=5 "${LMKEEPER_HOOK_TIMEOUT:-30}" "${LMKEEPER_BIN:-/usr/bin/lmkeeper}" slurm epilog
