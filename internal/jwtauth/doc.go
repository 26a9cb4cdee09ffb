// Package jwtauth verifies the JSON Web Tokens API Gateway's Cognito user
// pool and JWT authorizers accept: a JWS signed RS256 (the only algorithm
// those authorizers take: "none", HS* and every other alg are refused
// before any key is looked up) by a key of the expected issuer, with exp in
// the future, nbf and iat not in the future, and, as the caller asks, an
// audience (aud, or client_id for access tokens without aud) and scopes.
//
// Keys come from a KeySource. Remote fetches an issuer's
// /.well-known/openid-configuration, then its jwks_uri, and caches the keys
// per issuer (bounded in count and age, refetched at most once a minute on
// an unknown kid); iamgate's own user pools are resolved in process by the
// server's KeySource before Remote is asked. The issuer fetched is always
// the one the API configures, never one a token names.
//
// It knows nothing of HTTP answers: errors carry a Reason the gateway maps.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
// and https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html.
package jwtauth
