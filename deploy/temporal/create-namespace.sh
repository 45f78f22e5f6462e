#!/bin/sh
# Creates the namespace Lifeline uses (idempotent). The Lifeline worker registers its own search
# attributes on start-up (common/temporal.ts, ensureSearchAttributes).
set -eu
ns="${LIFELINE_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 1; done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$ns" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$ns" --retention 30d
echo "namespace $ns ready"
