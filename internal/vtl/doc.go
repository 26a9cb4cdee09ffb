// Package vtl is a Velocity Template Language engine with the subset of
// Apache Velocity 1.7 that API Gateway mapping templates use: references
// ($x, $!x, ${x}, properties, methods, index), #set, #if/#elseif/#else,
// #foreach (with $foreach and $velocityCount), #break, #stop, #define,
// comments (## and #* *#), unparsed blocks (#[[ ]]#), escaping, string
// interpolation, list, range and map literals, arithmetic, comparison and
// logic.
//
// Parsing returns errors with the line and column of the fault. Execution
// is bounded (steps, output bytes, nesting), so no template can hang or
// exhaust the server; a template that runs out fails with ErrLimit.
//
// Values are nil, bool, int64, float64, string, *List, *Map and embedder
// objects (Object); Java methods of strings, lists and maps that templates
// call are provided here. The variables of API Gateway ($input, $util,
// $context) are not: package mapping supplies them.
//
// Reference: https://velocity.apache.org/engine/1.7/user-guide.html and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
package vtl
