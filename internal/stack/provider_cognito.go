package stack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cognito"
)

// RegisterCognito adds the AWS::Cognito::UserPool, UserPoolClient,
// UserPoolGroup, UserPoolUser and UserPoolUserToGroupAttachment providers.
// Return values follow
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpool.html
// and its siblings: a pool's Ref is its id, with Arn, ProviderName,
// ProviderURL and UserPoolId attributes; a client's Ref is its id, with
// ClientId, ClientSecret and Name; a group's and a user's Ref is the name.
func (e *Engine) RegisterCognito(pools CognitoPools) {
	g := &cognitoGuard{in: pools}
	e.Register("AWS::Cognito::UserPool", &userPoolProvider{g})
	e.Register("AWS::Cognito::UserPoolClient", &userPoolClientProvider{g})
	e.Register("AWS::Cognito::UserPoolGroup", &userPoolGroupProvider{g})
	e.Register("AWS::Cognito::UserPoolUser", &userPoolUserProvider{g})
	e.Register("AWS::Cognito::UserPoolUserToGroupAttachment", &userToGroupProvider{g})
}

func mapOf(props map[string]any, key string) map[string]any {
	m, _ := props[key].(map[string]any)
	return m
}

type userPoolProvider struct{ pools CognitoPools }

// poolOf reads a UserPool's properties into p.
func poolOf(props map[string]any, p *cognito.Pool) error {
	if pp := mapOf(mapOf(props, "Policies"), "PasswordPolicy"); pp != nil {
		p.PasswordPolicy = cognito.PasswordPolicy{MinimumLength: intProp(pp, "MinimumLength", 8),
			RequireUppercase: truthyProp(pp, "RequireUppercase"), RequireLowercase: truthyProp(pp, "RequireLowercase"),
			RequireNumbers: truthyProp(pp, "RequireNumbers"), RequireSymbols: truthyProp(pp, "RequireSymbols"),
			TemporaryPasswordValidityDays: intProp(pp, "TemporaryPasswordValidityDays", 7)}
	}
	p.UsernameAttributes = strList(props, "UsernameAttributes")
	p.AliasAttributes = strList(props, "AliasAttributes")
	p.AutoVerifiedAttributes = strList(props, "AutoVerifiedAttributes")
	for _, a := range p.UsernameAttributes {
		if a != "email" && a != "phone_number" {
			return awserr.New(cognito.InvalidParameter, "UsernameAttributes may hold email and phone_number, not %s", a)
		}
	}
	if uc := mapOf(props, "UsernameConfiguration"); uc != nil {
		if _, set := uc["CaseSensitive"]; set {
			p.CaseInsensitive = !truthyProp(uc, "CaseSensitive")
		}
	}
	if ac := mapOf(props, "AdminCreateUserConfig"); ac != nil {
		p.AllowAdminCreateUserOnly = truthyProp(ac, "AllowAdminCreateUserOnly")
	}
	if lc := mapOf(props, "LambdaConfig"); len(lc) > 0 {
		return awserr.New(cognito.InvalidParameter, "LambdaConfig triggers are not run by iamgate's user pools; remove them to deploy locally")
	}
	if m := str(props, "MfaConfiguration"); m != "" && m != "OFF" {
		return awserr.New(cognito.InvalidParameter, "MfaConfiguration %s is not supported by iamgate; only OFF is", m)
	}
	if d := str(props, "DeletionProtection"); d != "" {
		p.DeletionProtection = d
	}
	p.Schema = nil
	list, _ := props["Schema"].([]any)
	for _, e := range list {
		a, _ := e.(map[string]any)
		name := strings.TrimPrefix(str(a, "Name"), "custom:")
		if name == "" {
			continue
		}
		mutable := true
		if _, set := a["Mutable"]; set {
			mutable = truthyProp(a, "Mutable")
		}
		p.Schema = append(p.Schema, cognito.SchemaAttribute{Name: name, AttributeDataType: str(a, "AttributeDataType"),
			Mutable: mutable, Required: truthyProp(a, "Required")})
	}
	if tags := mapOf(props, "UserPoolTags"); tags != nil {
		p.Tags = map[string]string{}
		for k := range tags {
			p.Tags[k] = str(tags, k)
		}
	}
	return nil
}

func (p *userPoolProvider) result(pool cognito.Pool) Result {
	url := p.pools.Issuer(pool.ID)
	return Result{PhysicalID: pool.ID, Attrs: map[string]any{"Arn": pool.ARN, "UserPoolId": pool.ID,
		"ProviderURL": url, "ProviderName": strings.TrimPrefix(url, "https://")}}
}

func (p *userPoolProvider) Create(ctx context.Context, in *Input) (Result, error) {
	pool := cognito.Pool{Name: str(in.Props, "UserPoolName")}
	if pool.Name == "" {
		pool.Name = physicalName(in.StackName, in.LogicalID, 128, false)
	}
	if err := poolOf(in.Props, &pool); err != nil {
		return Result{}, err
	}
	out, err := p.pools.CreatePool(ctx, pool)
	if err != nil {
		return Result{}, err
	}
	return p.result(out), nil
}

func (p *userPoolProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	// Sign-in attributes and the schema cannot change in place.
	for _, k := range []string{"UsernameAttributes", "AliasAttributes", "Schema", "UsernameConfiguration"} {
		if fmt.Sprint(in.Props[k]) != fmt.Sprint(prev.Props[k]) {
			return Result{}, ErrReplace
		}
	}
	out, err := p.pools.UpdatePool(ctx, prev.PhysicalID, func(pool *cognito.Pool) error {
		if n := str(in.Props, "UserPoolName"); n != "" {
			pool.Name = n
		}
		pool.PasswordPolicy = cognito.DefaultPasswordPolicy
		return poolOf(in.Props, pool)
	})
	if err != nil {
		return Result{}, err
	}
	return p.result(out), nil
}

func (p *userPoolProvider) Delete(ctx context.Context, prev State) error {
	return ignoreNotFound(p.pools.DeletePool(ctx, prev.PhysicalID))
}

// ignoreNotFound: deleting what is already gone succeeds, as
// CloudFormation's handlers treat a NotFound on delete.
func ignoreNotFound(err error) error {
	if awserr.Is(err, cognito.ResourceNotFound) || awserr.Is(err, cognito.UserNotFound) {
		return nil
	}
	return err
}

type userPoolClientProvider struct{ pools CognitoPools }

func clientOf(props map[string]any, c *cognito.Client) {
	c.Name = str(props, "ClientName")
	c.ExplicitAuthFlows = strList(props, "ExplicitAuthFlows")
	c.AccessTokenValidity = intProp(props, "AccessTokenValidity", 0)
	c.IDTokenValidity = intProp(props, "IdTokenValidity", 0)
	c.RefreshTokenValidity = intProp(props, "RefreshTokenValidity", 0)
	c.Units = cognito.ValidityUnits{}
	if u := mapOf(props, "TokenValidityUnits"); u != nil {
		c.Units = cognito.ValidityUnits{AccessToken: str(u, "AccessToken"), IDToken: str(u, "IdToken"), RefreshToken: str(u, "RefreshToken")}
	}
	c.PreventUserExistenceErrors = str(props, "PreventUserExistenceErrors")
	c.AllowedOAuthFlows = strList(props, "AllowedOAuthFlows")
	c.AllowedOAuthScopes = strList(props, "AllowedOAuthScopes")
	c.AllowedOAuthFlowsUserPool = truthyProp(props, "AllowedOAuthFlowsUserPoolClient")
	c.CallbackURLs = strList(props, "CallbackURLs")
	c.LogoutURLs = strList(props, "LogoutURLs")
	c.SupportedIdentityProviders = strList(props, "SupportedIdentityProviders")
	c.ReadAttributes = strList(props, "ReadAttributes")
	c.WriteAttributes = strList(props, "WriteAttributes")
	c.EnableTokenRevocation = true
	if _, set := props["EnableTokenRevocation"]; set {
		c.EnableTokenRevocation = truthyProp(props, "EnableTokenRevocation")
	}
	c.AuthSessionValidity = intProp(props, "AuthSessionValidity", 0)
}

func (p *userPoolClientProvider) result(c cognito.Client) (Result, error) {
	secret, err := p.pools.ClientSecret(c)
	if err != nil {
		return Result{}, err
	}
	attrs := map[string]any{"ClientId": c.ID, "Name": c.Name}
	if s := secret.Reveal(); s != "" {
		attrs["ClientSecret"] = s
	}
	return Result{PhysicalID: c.ID, Attrs: attrs}, nil
}

func (p *userPoolClientProvider) Create(ctx context.Context, in *Input) (Result, error) {
	c := cognito.Client{PoolID: str(in.Props, "UserPoolId")}
	clientOf(in.Props, &c)
	if c.Name == "" {
		c.Name = physicalName(in.StackName, in.LogicalID, 128, false)
	}
	out, _, err := p.pools.CreateClient(ctx, cognito.ClientInput{Client: c, GenerateSecret: truthyProp(in.Props, "GenerateSecret")})
	if err != nil {
		return Result{}, err
	}
	return p.result(out)
}

func (p *userPoolClientProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "UserPoolId") != str(prev.Props, "UserPoolId") || truthyProp(in.Props, "GenerateSecret") != truthyProp(prev.Props, "GenerateSecret") {
		return Result{}, ErrReplace
	}
	out, err := p.pools.UpdateClient(ctx, str(in.Props, "UserPoolId"), prev.PhysicalID, func(c *cognito.Client) {
		name := c.Name
		clientOf(in.Props, c)
		if c.Name == "" {
			c.Name = name
		}
	})
	if err != nil {
		return Result{}, err
	}
	return p.result(out)
}

func (p *userPoolClientProvider) Delete(ctx context.Context, prev State) error {
	return ignoreNotFound(p.pools.DeleteClient(ctx, str(prev.Props, "UserPoolId"), prev.PhysicalID))
}

type userPoolGroupProvider struct{ pools CognitoPools }

func groupOf(in *Input, name string) cognito.Group {
	g := cognito.Group{PoolID: str(in.Props, "UserPoolId"), Name: name, Description: str(in.Props, "Description"), RoleARN: str(in.Props, "RoleArn")}
	if _, set := in.Props["Precedence"]; set {
		n := intProp(in.Props, "Precedence", 0)
		g.Precedence = &n
	}
	return g
}

func (p *userPoolGroupProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "GroupName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 128, false)
	}
	g, err := p.pools.CreateGroup(ctx, groupOf(in, name))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: g.Name}, nil
}

func (p *userPoolGroupProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if n := str(in.Props, "GroupName"); (n != "" && n != prev.PhysicalID) || str(in.Props, "UserPoolId") != str(prev.Props, "UserPoolId") {
		return Result{}, ErrReplace
	}
	if _, err := p.pools.UpdateGroup(ctx, groupOf(in, prev.PhysicalID)); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID}, nil
}

func (p *userPoolGroupProvider) Delete(ctx context.Context, prev State) error {
	return ignoreNotFound(p.pools.DeleteGroup(ctx, str(prev.Props, "UserPoolId"), prev.PhysicalID))
}

// userPoolUserProvider creates a user as AdminCreateUser does. Every
// property change replaces the user, as CloudFormation documents.
type userPoolUserProvider struct{ pools CognitoPools }

func (p *userPoolUserProvider) Create(ctx context.Context, in *Input) (Result, error) {
	attrs := map[string]string{}
	list, _ := in.Props["UserAttributes"].([]any)
	for _, e := range list {
		a, _ := e.(map[string]any)
		if n := str(a, "Name"); n != "" {
			attrs[n] = str(a, "Value")
		}
	}
	name := str(in.Props, "Username")
	if name == "" {
		return Result{}, errors.New("Username is required: iamgate does not generate user names")
	}
	u, err := p.pools.AdminCreateUser(ctx, cognito.AdminCreateUserInput{PoolID: str(in.Props, "UserPoolId"), Username: name,
		Attributes: attrs, MessageAction: str(in.Props, "MessageAction"), DesiredDeliveryMediums: strList(in.Props, "DesiredDeliveryMediums")})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: u.Username}, nil
}

func (p *userPoolUserProvider) Update(context.Context, *Input, State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *userPoolUserProvider) Delete(ctx context.Context, prev State) error {
	return ignoreNotFound(p.pools.AdminDeleteUser(ctx, str(prev.Props, "UserPoolId"), prev.PhysicalID))
}

type userToGroupProvider struct{ pools CognitoPools }

func (p *userToGroupProvider) Create(ctx context.Context, in *Input) (Result, error) {
	pool, user, group := str(in.Props, "UserPoolId"), str(in.Props, "Username"), str(in.Props, "GroupName")
	if err := p.pools.AdminAddUserToGroup(ctx, pool, user, group); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: strings.Join([]string{pool, group, user}, "/")}, nil
}

func (p *userToGroupProvider) Update(context.Context, *Input, State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *userToGroupProvider) Delete(ctx context.Context, prev State) error {
	err := p.pools.AdminRemoveUserFromGroup(ctx, str(prev.Props, "UserPoolId"), str(prev.Props, "Username"), str(prev.Props, "GroupName"))
	return ignoreNotFound(err)
}
