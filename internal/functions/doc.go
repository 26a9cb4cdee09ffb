// Package functions keeps Lambda function configurations, code and resource
// policies in the store and hands them to the runtime (package lambda) that
// runs them. It is what CloudFormation's AWS::Lambda::Function and
// AWS::Lambda::Permission providers and the Lambda control plane call.
// Shapes follow the Lambda API reference (FunctionConfiguration, AddPermission).
package functions
