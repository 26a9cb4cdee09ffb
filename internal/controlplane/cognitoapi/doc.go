// Package cognitoapi serves the Amazon Cognito Identity Provider API (JSON
// 1.1, POST /, X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>)
// over package cognito, and each pool's well-known documents
// (/{poolId}/.well-known/jwks.json and openid-configuration).
//
// It is mounted in package controlplane under the signing name
// "cognito-idp" with unsigned requests let through, because Cognito splits
// its API in two, as the service model's auth traits say: the public
// operations (SignUp, ConfirmSignUp, ResendConfirmationCode, InitiateAuth,
// RespondToAuthChallenge, GetUser, GlobalSignOut, ChangePassword,
// ForgotPassword, ConfirmForgotPassword) are unsigned and authorized by the app client id
// or the access token they carry, while every other operation (Admin*,
// pool, client and group management, ListUsers) must be SigV4-signed and
// is authorized with IAM (cognito-idp:ACTION on the pool ARN
// arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID). An unsigned call to
// one of those is refused as the dispatcher refuses any unsigned request.
//
// Every error is written through awserr.Cognito.Write with Cognito's codes; all
// of Cognito's client errors are 400.
//
// Follows https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/
// and https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html.
package cognitoapi
