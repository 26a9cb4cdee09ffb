// Package cognito keeps Amazon Cognito user pools: pools with their
// password policy and a per-pool RSA signing key (sealed at rest with
// package seal), app clients (with an optional client secret, sealed),
// groups and users (attributes, status UNCONFIRMED / CONFIRMED /
// FORCE_CHANGE_PASSWORD, passwords hashed with argon2id), and the
// password-based sign-in flows that issue Cognito's id, access and refresh
// tokens: USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH
// and the NEW_PASSWORD_REQUIRED challenge.
//
// Tokens carry Cognito's claims (sub, cognito:username, cognito:groups,
// token_use, aud for id tokens and client_id for access tokens, scope,
// auth_time, iss https://cognito-idp.{region}.amazonaws.com/{poolId}) and
// are signed RS256 by the pool's key, whose public half JWKS serves.
// Refresh tokens and challenge sessions are opaque random strings stored
// only as their SHA-256.
//
// It speaks no wire protocol (package controlplane/cognitoapi does) and
// authorizes nothing: the API layer decides who may call what. Email and
// SMS are not sent: codes and temporary passwords go to Options.Deliver.
//
// Follows https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/
// and https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html.
package cognito
