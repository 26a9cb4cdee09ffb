// Package simulator is IAM's policy simulator (SimulatePrincipalPolicy,
// SimulateCustomPolicy): it builds the simulated principal and policies,
// asks the one Evaluator that authorizes every request (the same policy
// set, the same compiled documents, the same Decision), and reports per
// action and resource what IAM reports: the decision, the matched
// statements with their positions, the missing context keys and the
// permissions boundary's detail.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html,
// API_SimulateCustomPolicy.html, API_EvaluationResult.html,
// API_ResourceSpecificResult.html, API_Statement.html.
//
// It does not decode or encode the query protocol (controlplane/iamapi
// does), page results, or authorize the simulation call itself.
package simulator
