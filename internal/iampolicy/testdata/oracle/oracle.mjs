// Differential-test oracle for internal/iampolicy (test only, not shipped).
// Reads one JSON case per stdin line:
//   {"id", "principal" (ARN or "anonymous"), "action", "resource", "resourceAccount",
//    "context": {k: v|[v]}, "identity": [doc], "boundary": doc|null,
//    "session": doc|null, "resourcePolicy": doc|null}
// and prints one line per case: {"id", "result": "Allowed"|"ExplicitlyDenied"|
// "ImplicitlyDenied"} or {"id", "error": "..."} when the simulator refuses the input.
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate'
import { createInterface } from 'node:readline'

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of rl) {
  if (!line.trim()) continue
  const c = JSON.parse(line)
  const sim = {
    request: {
      principal: c.principal === 'anonymous' ? anonymousPrincipal : c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resourceAccount },
      contextVariables: c.context || {}
    },
    identityPolicies: c.principal === 'anonymous' ? [] : (c.identity || []).map((p, i) => ({ name: `p${i}`, policy: p })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: c.resourcePolicy || undefined,
    permissionBoundaryPolicies: c.boundary ? [{ name: 'boundary', policy: c.boundary }] : undefined,
    sessionPolicy: c.session || undefined
  }
  let out
  try {
    const r = await runSimulation(sim, {})
    if (r.resultType === 'error') {
      out = { id: c.id, error: JSON.stringify(r.errors) }
    } else {
      out = { id: c.id, result: r.overallResult }
    }
  } catch (e) {
    out = { id: c.id, error: String(e && e.message || e) }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
