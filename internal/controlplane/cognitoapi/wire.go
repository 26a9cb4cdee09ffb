package cognitoapi

import (
	"time"

	"github.com/iamgate/iamgate/internal/cognito"
)

// epoch is a timestamp as the JSON protocol writes it: seconds since the
// epoch, with a fraction.
type epoch float64

func at(t time.Time) epoch { return epoch(float64(t.UnixMilli()) / 1000) }

type attributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

type passwordPolicy struct {
	MinimumLength                 int  `json:"MinimumLength"`
	RequireUppercase              bool `json:"RequireUppercase"`
	RequireLowercase              bool `json:"RequireLowercase"`
	RequireNumbers                bool `json:"RequireNumbers"`
	RequireSymbols                bool `json:"RequireSymbols"`
	TemporaryPasswordValidityDays int  `json:"TemporaryPasswordValidityDays"`
}

type policies struct {
	PasswordPolicy *passwordPolicy `json:"PasswordPolicy,omitempty"`
}

type adminCreateUserConfig struct {
	AllowAdminCreateUserOnly  bool `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int  `json:"UnusedAccountValidityDays,omitempty"`
}

type usernameConfiguration struct {
	CaseSensitive *bool `json:"CaseSensitive,omitempty"`
}

type schemaAttribute struct {
	Name                   string `json:"Name"`
	AttributeDataType      string `json:"AttributeDataType,omitempty"`
	DeveloperOnlyAttribute bool   `json:"DeveloperOnlyAttribute"`
	Mutable                bool   `json:"Mutable"`
	Required               bool   `json:"Required"`
}

type userPool struct {
	ID                     string                 `json:"Id"`
	Name                   string                 `json:"Name"`
	Arn                    string                 `json:"Arn"`
	Policies               policies               `json:"Policies"`
	DeletionProtection     string                 `json:"DeletionProtection"`
	LambdaConfig           struct{}               `json:"LambdaConfig"`
	LastModifiedDate       epoch                  `json:"LastModifiedDate"`
	CreationDate           epoch                  `json:"CreationDate"`
	SchemaAttributes       []schemaAttribute      `json:"SchemaAttributes"`
	AutoVerifiedAttributes []string               `json:"AutoVerifiedAttributes,omitempty"`
	AliasAttributes        []string               `json:"AliasAttributes,omitempty"`
	UsernameAttributes     []string               `json:"UsernameAttributes,omitempty"`
	MfaConfiguration       string                 `json:"MfaConfiguration"`
	EstimatedNumberOfUsers int                    `json:"EstimatedNumberOfUsers"`
	AdminCreateUserConfig  adminCreateUserConfig  `json:"AdminCreateUserConfig"`
	UsernameConfiguration  *usernameConfiguration `json:"UsernameConfiguration,omitempty"`
	UserPoolTags           map[string]string      `json:"UserPoolTags,omitempty"`
}

func wirePool(p cognito.Pool, users int) userPool {
	pp := passwordPolicy(p.PasswordPolicy)
	out := userPool{ID: p.ID, Name: p.Name, Arn: p.ARN, Policies: policies{PasswordPolicy: &pp}, DeletionProtection: p.DeletionProtection,
		LastModifiedDate: at(p.LastModifiedDate), CreationDate: at(p.CreationDate),
		AutoVerifiedAttributes: p.AutoVerifiedAttributes, AliasAttributes: p.AliasAttributes, UsernameAttributes: p.UsernameAttributes,
		MfaConfiguration: p.MfaConfiguration, EstimatedNumberOfUsers: users, UserPoolTags: p.Tags,
		AdminCreateUserConfig: adminCreateUserConfig{AllowAdminCreateUserOnly: p.AllowAdminCreateUserOnly, UnusedAccountValidityDays: p.PasswordPolicy.TemporaryPasswordValidityDays}}
	cs := !p.CaseInsensitive
	out.UsernameConfiguration = &usernameConfiguration{CaseSensitive: &cs}
	out.SchemaAttributes = append(out.SchemaAttributes, schemaAttribute{Name: "sub", AttributeDataType: "String", Required: true})
	for _, a := range p.Schema {
		out.SchemaAttributes = append(out.SchemaAttributes, schemaAttribute{Name: "custom:" + a.Name, AttributeDataType: a.AttributeDataType, Mutable: a.Mutable})
	}
	return out
}

type tokenValidityUnits struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	IDToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

type userPoolClient struct {
	UserPoolID                      string             `json:"UserPoolId"`
	ClientName                      string             `json:"ClientName"`
	ClientID                        string             `json:"ClientId"`
	ClientSecret                    string             `json:"ClientSecret,omitempty"`
	LastModifiedDate                epoch              `json:"LastModifiedDate"`
	CreationDate                    epoch              `json:"CreationDate"`
	RefreshTokenValidity            int                `json:"RefreshTokenValidity"`
	AccessTokenValidity             int                `json:"AccessTokenValidity"`
	IDTokenValidity                 int                `json:"IdTokenValidity"`
	TokenValidityUnits              tokenValidityUnits `json:"TokenValidityUnits"`
	ExplicitAuthFlows               []string           `json:"ExplicitAuthFlows"`
	SupportedIdentityProviders      []string           `json:"SupportedIdentityProviders,omitempty"`
	CallbackURLs                    []string           `json:"CallbackURLs,omitempty"`
	LogoutURLs                      []string           `json:"LogoutURLs,omitempty"`
	AllowedOAuthFlows               []string           `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes              []string           `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient bool               `json:"AllowedOAuthFlowsUserPoolClient"`
	ReadAttributes                  []string           `json:"ReadAttributes,omitempty"`
	WriteAttributes                 []string           `json:"WriteAttributes,omitempty"`
	PreventUserExistenceErrors      string             `json:"PreventUserExistenceErrors"`
	EnableTokenRevocation           bool               `json:"EnableTokenRevocation"`
	EnablePropagateUserContextData  bool               `json:"EnablePropagateAdditionalUserContextData"`
	AuthSessionValidity             int                `json:"AuthSessionValidity"`
}

func wireClient(c cognito.Client, secret string) userPoolClient {
	return userPoolClient{UserPoolID: c.PoolID, ClientName: c.Name, ClientID: c.ID, ClientSecret: secret,
		LastModifiedDate: at(c.LastModifiedDate), CreationDate: at(c.CreationDate),
		RefreshTokenValidity: c.RefreshTokenValidity, AccessTokenValidity: c.AccessTokenValidity, IDTokenValidity: c.IDTokenValidity,
		TokenValidityUnits: tokenValidityUnits(c.Units), ExplicitAuthFlows: c.ExplicitAuthFlows,
		SupportedIdentityProviders: c.SupportedIdentityProviders, CallbackURLs: c.CallbackURLs, LogoutURLs: c.LogoutURLs,
		AllowedOAuthFlows: c.AllowedOAuthFlows, AllowedOAuthScopes: c.AllowedOAuthScopes, AllowedOAuthFlowsUserPoolClient: c.AllowedOAuthFlowsUserPool,
		ReadAttributes: c.ReadAttributes, WriteAttributes: c.WriteAttributes, PreventUserExistenceErrors: c.PreventUserExistenceErrors,
		EnableTokenRevocation: c.EnableTokenRevocation, AuthSessionValidity: c.AuthSessionValidity}
}

type clientDescription struct {
	ClientID   string `json:"ClientId"`
	UserPoolID string `json:"UserPoolId"`
	ClientName string `json:"ClientName"`
}

type userType struct {
	Username             string          `json:"Username"`
	Attributes           []attributeType `json:"Attributes"`
	UserCreateDate       epoch           `json:"UserCreateDate"`
	UserLastModifiedDate epoch           `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

func attributes(u cognito.User, only []string) []attributeType {
	names := u.AttributeNames()
	if len(only) > 0 {
		names = only
	}
	out := make([]attributeType, 0, len(names))
	for _, n := range names {
		if v := u.Attribute(n); v != "" {
			out = append(out, attributeType{Name: n, Value: v})
		}
	}
	return out
}

func wireUser(u cognito.User, only []string) userType {
	return userType{Username: u.Username, Attributes: attributes(u, only), UserCreateDate: at(u.Created),
		UserLastModifiedDate: at(u.Modified), Enabled: u.Enabled, UserStatus: u.Status}
}

type groupType struct {
	GroupName        string `json:"GroupName"`
	UserPoolID       string `json:"UserPoolId"`
	Description      string `json:"Description,omitempty"`
	RoleArn          string `json:"RoleArn,omitempty"`
	Precedence       *int   `json:"Precedence,omitempty"`
	LastModifiedDate epoch  `json:"LastModifiedDate"`
	CreationDate     epoch  `json:"CreationDate"`
}

func wireGroup(g cognito.Group) groupType {
	return groupType{GroupName: g.Name, UserPoolID: g.PoolID, Description: g.Description, RoleArn: g.RoleARN,
		Precedence: g.Precedence, LastModifiedDate: at(g.LastModifiedDate), CreationDate: at(g.CreationDate)}
}

type authenticationResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int    `json:"ExpiresIn"`
	TokenType    string `json:"TokenType"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	IDToken      string `json:"IdToken"`
}

type authOutput struct {
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	Session              string                `json:"Session,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	AuthenticationResult *authenticationResult `json:"AuthenticationResult,omitempty"`
}

func wireAuth(r cognito.AuthResult) authOutput {
	out := authOutput{ChallengeName: r.ChallengeName, Session: r.Session.Reveal(), ChallengeParameters: r.Parameters}
	if out.ChallengeParameters == nil {
		out.ChallengeParameters = map[string]string{}
	}
	if t := r.Tokens; t != nil {
		out.AuthenticationResult = &authenticationResult{AccessToken: t.AccessToken.Reveal(), ExpiresIn: t.ExpiresIn,
			TokenType: t.TokenType, RefreshToken: t.RefreshToken.Reveal(), IDToken: t.IDToken.Reveal()}
	}
	return out
}

func attrMap(list []attributeType) map[string]string {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]string, len(list))
	for _, a := range list {
		m[a.Name] = a.Value
	}
	return m
}
