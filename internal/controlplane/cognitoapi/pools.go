package cognitoapi

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cognito"
)

var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9\-_=.]+$`)

type schemaInput struct {
	Name              string `json:"Name"`
	AttributeDataType string `json:"AttributeDataType"`
	Mutable           *bool  `json:"Mutable"`
	Required          bool   `json:"Required"`
}

type poolInput struct {
	PoolName               string                 `json:"PoolName"`
	UserPoolID             string                 `json:"UserPoolId"`
	Policies               *policies              `json:"Policies"`
	UsernameAttributes     []string               `json:"UsernameAttributes"`
	AliasAttributes        []string               `json:"AliasAttributes"`
	AutoVerifiedAttributes []string               `json:"AutoVerifiedAttributes"`
	UsernameConfiguration  *usernameConfiguration `json:"UsernameConfiguration"`
	AdminCreateUserConfig  *adminCreateUserConfig `json:"AdminCreateUserConfig"`
	MfaConfiguration       string                 `json:"MfaConfiguration"`
	DeletionProtection     string                 `json:"DeletionProtection"`
	Schema                 []schemaInput          `json:"Schema"`
	UserPoolTags           map[string]string      `json:"UserPoolTags"`
}

// apply copies the settings given in a Create/UpdateUserPool input.
func (in poolInput) apply(p *cognito.Pool) error {
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		p.PasswordPolicy = cognito.PasswordPolicy(*in.Policies.PasswordPolicy)
		if p.PasswordPolicy.MinimumLength == 0 {
			p.PasswordPolicy.MinimumLength = 8
		}
	}
	for _, a := range in.UsernameAttributes {
		if a != "email" && a != "phone_number" {
			return awserr.New(cognito.InvalidParameter, "1 validation error detected: Value '[%s]' at 'usernameAttributes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [phone_number, email]]", strings.Join(in.UsernameAttributes, ", "))
		}
	}
	if len(in.UsernameAttributes) > 0 && len(in.AliasAttributes) > 0 {
		return awserr.New(cognito.InvalidParameter, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	}
	if in.UsernameAttributes != nil {
		p.UsernameAttributes = in.UsernameAttributes
	}
	if in.AliasAttributes != nil {
		p.AliasAttributes = in.AliasAttributes
	}
	if in.AutoVerifiedAttributes != nil {
		p.AutoVerifiedAttributes = in.AutoVerifiedAttributes
	}
	if u := in.UsernameConfiguration; u != nil && u.CaseSensitive != nil {
		p.CaseInsensitive = !*u.CaseSensitive
	}
	if a := in.AdminCreateUserConfig; a != nil {
		p.AllowAdminCreateUserOnly = a.AllowAdminCreateUserOnly
	}
	if in.MfaConfiguration != "" {
		if in.MfaConfiguration != "OFF" {
			return awserr.New(cognito.InvalidParameter, "MfaConfiguration %s is not supported by iamgate; only OFF is", in.MfaConfiguration)
		}
		p.MfaConfiguration = in.MfaConfiguration
	}
	switch in.DeletionProtection {
	case "":
	case "ACTIVE", "INACTIVE":
		p.DeletionProtection = in.DeletionProtection
	default:
		return awserr.New(cognito.InvalidParameter, "1 validation error detected: Value '%s' at 'deletionProtection' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]", in.DeletionProtection)
	}
	for _, s := range in.Schema {
		mutable := s.Mutable == nil || *s.Mutable
		name := strings.TrimPrefix(s.Name, "custom:")
		if name == "" || len(name) > 20 {
			return awserr.New(cognito.InvalidParameter, "Invalid custom attribute name %q", s.Name)
		}
		p.Schema = append(p.Schema, cognito.SchemaAttribute{Name: name, AttributeDataType: s.AttributeDataType, Mutable: mutable, Required: s.Required})
	}
	if in.UserPoolTags != nil {
		p.Tags = in.UserPoolTags
	}
	return nil
}

type poolOutput struct {
	UserPool userPool `json:"UserPool"`
}

func (c *call) createUserPool(body []byte) (any, error) {
	var in poolInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := c.authorize("CreateUserPool", "*"); err != nil {
		return nil, err
	}
	p := cognito.Pool{Name: in.PoolName}
	if err := in.apply(&p); err != nil {
		return nil, err
	}
	p, err := c.h.o.Pools.CreatePool(c.ctx, p)
	if err != nil {
		return nil, err
	}
	return poolOutput{UserPool: wirePool(p, 0)}, nil
}

type poolIDInput struct {
	UserPoolID string `json:"UserPoolId"`
}

func (c *call) describeUserPool(in *poolIDInput) (any, error) {
	p, err := c.h.o.Pools.Pool(c.ctx, in.UserPoolID)
	if err != nil {
		return nil, err
	}
	users, err := c.h.o.Pools.Users(c.ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return poolOutput{UserPool: wirePool(p, len(users))}, nil
}

func (c *call) updateUserPool(in *poolInput) (any, error) {
	in.Schema = nil // UpdateUserPool takes no schema
	_, err := c.h.o.Pools.UpdatePool(c.ctx, in.UserPoolID, in.apply)
	return empty{}, err
}

func (c *call) deleteUserPool(in *poolIDInput) (any, error) {
	return empty{}, c.h.o.Pools.DeletePool(c.ctx, in.UserPoolID)
}

type listInput struct {
	UserPoolID      string   `json:"UserPoolId"`
	MaxResults      int      `json:"MaxResults"`
	Limit           int      `json:"Limit"`
	NextToken       string   `json:"NextToken"`
	PaginationToken string   `json:"PaginationToken"`
	Filter          string   `json:"Filter"`
	AttributesToGet []string `json:"AttributesToGet"`
	GroupName       string   `json:"GroupName"`
	Username        string   `json:"Username"`
}

type poolDescription struct {
	ID               string   `json:"Id"`
	Name             string   `json:"Name"`
	LambdaConfig     struct{} `json:"LambdaConfig"`
	LastModifiedDate epoch    `json:"LastModifiedDate"`
	CreationDate     epoch    `json:"CreationDate"`
}

type listPoolsOutput struct {
	UserPools []poolDescription `json:"UserPools"`
	NextToken string            `json:"NextToken,omitempty"`
}

func (c *call) listUserPools(body []byte) (any, error) {
	var in listInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.MaxResults < 1 || in.MaxResults > 60 {
		return nil, awserr.New(cognito.InvalidParameter, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", in.MaxResults)
	}
	if err := c.authorize("ListUserPools", "*"); err != nil {
		return nil, err
	}
	pools, err := c.h.o.Pools.ListPools(c.ctx)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(pools, in.NextToken, in.MaxResults, func(p cognito.Pool) poolDescription {
		return poolDescription{ID: p.ID, Name: p.Name, LastModifiedDate: at(p.LastModifiedDate), CreationDate: at(p.CreationDate)}
	})
	if err != nil {
		return nil, err
	}
	return listPoolsOutput{UserPools: page, NextToken: next}, nil
}

// paginate returns the page of items after token (an opaque offset) and
// the token of the next page.
func paginate[T, W any](items []T, token string, limit int, wire func(T) W) ([]W, string, error) {
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(items) {
			return nil, "", awserr.New(cognito.InvalidParameter, "Invalid pagination token.")
		}
		start = n
	}
	if limit <= 0 || limit > 60 {
		limit = 60
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	out := make([]W, 0, end-start) // an empty page is [], never null
	for _, it := range items[start:end] {
		out = append(out, wire(it))
	}
	return out, next, nil
}

type clientInput struct {
	UserPoolID                      string              `json:"UserPoolId"`
	ClientID                        string              `json:"ClientId"`
	ClientName                      string              `json:"ClientName"`
	GenerateSecret                  bool                `json:"GenerateSecret"`
	RefreshTokenValidity            int                 `json:"RefreshTokenValidity"`
	AccessTokenValidity             int                 `json:"AccessTokenValidity"`
	IDTokenValidity                 int                 `json:"IdTokenValidity"`
	TokenValidityUnits              *tokenValidityUnits `json:"TokenValidityUnits"`
	ExplicitAuthFlows               []string            `json:"ExplicitAuthFlows"`
	SupportedIdentityProviders      []string            `json:"SupportedIdentityProviders"`
	CallbackURLs                    []string            `json:"CallbackURLs"`
	LogoutURLs                      []string            `json:"LogoutURLs"`
	AllowedOAuthFlows               []string            `json:"AllowedOAuthFlows"`
	AllowedOAuthScopes              []string            `json:"AllowedOAuthScopes"`
	AllowedOAuthFlowsUserPoolClient bool                `json:"AllowedOAuthFlowsUserPoolClient"`
	ReadAttributes                  []string            `json:"ReadAttributes"`
	WriteAttributes                 []string            `json:"WriteAttributes"`
	PreventUserExistenceErrors      string              `json:"PreventUserExistenceErrors"`
	EnableTokenRevocation           *bool               `json:"EnableTokenRevocation"`
	AuthSessionValidity             int                 `json:"AuthSessionValidity"`
}

func (in clientInput) apply(cl *cognito.Client) {
	cl.Name = in.ClientName
	cl.RefreshTokenValidity, cl.AccessTokenValidity, cl.IDTokenValidity = in.RefreshTokenValidity, in.AccessTokenValidity, in.IDTokenValidity
	cl.Units = cognito.ValidityUnits{}
	if u := in.TokenValidityUnits; u != nil {
		cl.Units = cognito.ValidityUnits(*u)
	}
	cl.ExplicitAuthFlows = in.ExplicitAuthFlows
	cl.SupportedIdentityProviders, cl.CallbackURLs, cl.LogoutURLs = in.SupportedIdentityProviders, in.CallbackURLs, in.LogoutURLs
	cl.AllowedOAuthFlows, cl.AllowedOAuthScopes, cl.AllowedOAuthFlowsUserPool = in.AllowedOAuthFlows, in.AllowedOAuthScopes, in.AllowedOAuthFlowsUserPoolClient
	cl.ReadAttributes, cl.WriteAttributes = in.ReadAttributes, in.WriteAttributes
	cl.PreventUserExistenceErrors = in.PreventUserExistenceErrors
	cl.EnableTokenRevocation = in.EnableTokenRevocation == nil || *in.EnableTokenRevocation
	cl.AuthSessionValidity = in.AuthSessionValidity
}

type clientOutput struct {
	UserPoolClient userPoolClient `json:"UserPoolClient"`
}

func (c *call) createUserPoolClient(in *clientInput) (any, error) {
	cl := cognito.Client{PoolID: in.UserPoolID}
	in.apply(&cl)
	cl, secret, err := c.h.o.Pools.CreateClient(c.ctx, cognito.ClientInput{Client: cl, GenerateSecret: in.GenerateSecret})
	if err != nil {
		return nil, err
	}
	return clientOutput{UserPoolClient: wireClient(cl, secret.Reveal())}, nil
}

func (c *call) describeUserPoolClient(in *clientInput) (any, error) {
	cl, err := c.h.o.Pools.Client(c.ctx, in.UserPoolID, in.ClientID)
	if err != nil {
		return nil, err
	}
	secret, err := c.h.o.Pools.ClientSecret(cl)
	if err != nil {
		return nil, err
	}
	return clientOutput{UserPoolClient: wireClient(cl, secret.Reveal())}, nil
}

// checkClientID checks an Update/DeleteUserPoolClient's ClientId.
func checkClientID(in *clientInput) error { return cognito.Check(cognito.ClientIDField(in.ClientID)) }

func (c *call) updateUserPoolClient(in *clientInput) (any, error) {
	cl, err := c.h.o.Pools.UpdateClient(c.ctx, in.UserPoolID, in.ClientID, func(cl *cognito.Client) {
		name := cl.Name
		in.apply(cl)
		if cl.Name == "" {
			cl.Name = name
		}
	})
	if err != nil {
		return nil, err
	}
	secret, err := c.h.o.Pools.ClientSecret(cl)
	if err != nil {
		return nil, err
	}
	return clientOutput{UserPoolClient: wireClient(cl, secret.Reveal())}, nil
}

func (c *call) deleteUserPoolClient(in *clientInput) (any, error) {
	return empty{}, c.h.o.Pools.DeleteClient(c.ctx, in.UserPoolID, in.ClientID)
}

type listClientsOutput struct {
	UserPoolClients []clientDescription `json:"UserPoolClients"`
	NextToken       string              `json:"NextToken,omitempty"`
}

func (c *call) listUserPoolClients(in *listInput) (any, error) {
	clients, err := c.h.o.Pools.ListClients(c.ctx, in.UserPoolID)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(clients, in.NextToken, in.MaxResults, func(cl cognito.Client) clientDescription {
		return clientDescription{ClientID: cl.ID, UserPoolID: cl.PoolID, ClientName: cl.Name}
	})
	if err != nil {
		return nil, err
	}
	return listClientsOutput{UserPoolClients: page, NextToken: next}, nil
}

type groupInput struct {
	UserPoolID  string `json:"UserPoolId"`
	GroupName   string `json:"GroupName"`
	Description string `json:"Description"`
	RoleArn     string `json:"RoleArn"`
	Precedence  *int   `json:"Precedence"`
}

type groupOutput struct {
	Group groupType `json:"Group"`
}

func (c *call) createGroup(in *groupInput) (any, error) {
	g, err := c.h.o.Pools.CreateGroup(c.ctx, cognito.Group{PoolID: in.UserPoolID, Name: in.GroupName, Description: in.Description,
		RoleARN: in.RoleArn, Precedence: in.Precedence})
	if err != nil {
		return nil, err
	}
	return groupOutput{Group: wireGroup(g)}, nil
}

func (c *call) getGroup(in *groupInput) (any, error) {
	g, err := c.h.o.Pools.Group(c.ctx, in.UserPoolID, in.GroupName)
	if err != nil {
		return nil, err
	}
	return groupOutput{Group: wireGroup(g)}, nil
}

func (c *call) deleteGroup(in *groupInput) (any, error) {
	return empty{}, c.h.o.Pools.DeleteGroup(c.ctx, in.UserPoolID, in.GroupName)
}

type groupsOutput struct {
	Groups    []groupType `json:"Groups"`
	NextToken string      `json:"NextToken,omitempty"`
}

func (c *call) listGroups(in *listInput) (any, error) {
	groups, err := c.h.o.Pools.Groups(c.ctx, in.UserPoolID)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(groups, in.NextToken, in.Limit, wireGroup)
	if err != nil {
		return nil, err
	}
	return groupsOutput{Groups: page, NextToken: next}, nil
}
