package cognitoapi

import (
	"github.com/iamgate/iamgate/internal/cognito"
)

// ops are the operations served. The public ones carry no signature in
// the service model (auth: smithy.api#noAuth); the rest need SigV4 and IAM.
var ops = map[string]operation{
	"SignUp":                 {run: (*call).signUp, public: true},
	"ConfirmSignUp":          {run: (*call).confirmSignUp, public: true},
	"InitiateAuth":           {run: (*call).initiateAuth, public: true},
	"RespondToAuthChallenge": {run: (*call).respondToAuthChallenge, public: true},
	"GetUser":                {run: (*call).getUser, public: true},
	"GlobalSignOut":          {run: (*call).globalSignOut, public: true},
	"ChangePassword":         {run: (*call).changePassword, public: true},
	"ForgotPassword":         {run: (*call).forgotPassword, public: true},
	"ConfirmForgotPassword":  {run: (*call).confirmForgotPassword, public: true},
	"ResendConfirmationCode": {run: (*call).resendConfirmationCode, public: true},

	"CreateUserPool":         {run: (*call).createUserPool},
	"DescribeUserPool":       {run: pooled((*call).describeUserPool)},
	"UpdateUserPool":         {run: pooled((*call).updateUserPool)},
	"DeleteUserPool":         {run: pooled((*call).deleteUserPool)},
	"ListUserPools":          {run: (*call).listUserPools},
	"CreateUserPoolClient":   {run: pooled((*call).createUserPoolClient)},
	"DescribeUserPoolClient": {run: pooled((*call).describeUserPoolClient)},
	"UpdateUserPoolClient":   {run: pooled((*call).updateUserPoolClient, checkClientID)},
	"DeleteUserPoolClient":   {run: pooled((*call).deleteUserPoolClient, checkClientID)},
	"ListUserPoolClients":    {run: pooled((*call).listUserPoolClients)},
	"CreateGroup":            {run: pooled((*call).createGroup)},
	"GetGroup":               {run: pooled((*call).getGroup)},
	"ListGroups":             {run: pooled((*call).listGroups)},
	"DeleteGroup":            {run: pooled((*call).deleteGroup)},

	"AdminCreateUser":             {run: pooled((*call).adminCreateUser, checkUsername)},
	"AdminSetUserPassword":        {run: pooled((*call).adminSetUserPassword, checkUsername)},
	"AdminConfirmSignUp":          {run: pooled((*call).adminConfirmSignUp, checkUsername)},
	"AdminGetUser":                {run: pooled((*call).adminGetUser, checkUsername)},
	"AdminDeleteUser":             {run: pooled((*call).adminDeleteUser, checkUsername)},
	"AdminEnableUser":             {run: pooled((*call).adminEnableUser, checkUsername)},
	"AdminDisableUser":            {run: pooled((*call).adminDisableUser, checkUsername)},
	"AdminUpdateUserAttributes":   {run: pooled((*call).adminUpdateUserAttributes, checkUsername)},
	"AdminAddUserToGroup":         {run: pooled((*call).adminAddUserToGroup, checkUsername)},
	"AdminRemoveUserFromGroup":    {run: pooled((*call).adminRemoveUserFromGroup, checkUsername)},
	"AdminListGroupsForUser":      {run: pooled((*call).adminListGroupsForUser)},
	"AdminInitiateAuth":           {run: pooled((*call).adminInitiateAuth)},
	"AdminRespondToAuthChallenge": {run: pooled((*call).adminRespondToAuthChallenge)},
	"ListUsers":                   {run: pooled((*call).listUsers)},
	"ListUsersInGroup":            {run: pooled((*call).listUsersInGroup)},
}

type empty struct{}

type signUpInput struct {
	ClientID       string          `json:"ClientId"`
	SecretHash     string          `json:"SecretHash"`
	Username       string          `json:"Username"`
	Password       string          `json:"Password"`
	UserAttributes []attributeType `json:"UserAttributes"`
}

type codeDelivery struct {
	Destination    string `json:"Destination"`
	DeliveryMedium string `json:"DeliveryMedium"`
	AttributeName  string `json:"AttributeName"`
}

type signUpOutput struct {
	UserConfirmed       bool          `json:"UserConfirmed"`
	UserSub             string        `json:"UserSub"`
	CodeDeliveryDetails *codeDelivery `json:"CodeDeliveryDetails,omitempty"`
}

func (c *call) signUp(body []byte) (any, error) {
	var in signUpInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	res, err := c.h.o.Pools.SignUp(c.ctx, cognito.SignUpInput{ClientID: in.ClientID, Username: in.Username, Password: in.Password,
		SecretHash: in.SecretHash, Attributes: attrMap(in.UserAttributes)})
	if err != nil {
		return nil, err
	}
	out := signUpOutput{UserConfirmed: res.Confirmed, UserSub: res.UserSub}
	if d := res.Delivery; d != nil {
		out.CodeDeliveryDetails = &codeDelivery{Destination: d.Destination, DeliveryMedium: d.DeliveryMedium, AttributeName: d.AttributeName}
	}
	return out, nil
}

type confirmInput struct {
	ClientID         string `json:"ClientId"`
	SecretHash       string `json:"SecretHash"`
	Username         string `json:"Username"`
	ConfirmationCode string `json:"ConfirmationCode"`
}

func (c *call) confirmSignUp(body []byte) (any, error) {
	var in confirmInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Pools.ConfirmSignUp(c.ctx, in.ClientID, in.Username, in.ConfirmationCode, in.SecretHash)
}

type authInput struct {
	UserPoolID     string            `json:"UserPoolId"`
	ClientID       string            `json:"ClientId"`
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters"`
}

func (c *call) initiateAuth(body []byte) (any, error) {
	var in authInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	r, err := c.h.o.Pools.InitiateAuth(c.ctx, cognito.AuthInput{ClientID: in.ClientID, Flow: in.AuthFlow, Params: in.AuthParameters})
	if err != nil {
		return nil, err
	}
	return wireAuth(r), nil
}

type challengeInput struct {
	UserPoolID         string            `json:"UserPoolId"`
	ClientID           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
}

func (c *call) respondToAuthChallenge(body []byte) (any, error) {
	var in challengeInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	r, err := c.h.o.Pools.RespondToAuthChallenge(c.ctx, cognito.ChallengeInput{ClientID: in.ClientID, ChallengeName: in.ChallengeName,
		Session: in.Session, Responses: in.ChallengeResponses})
	if err != nil {
		return nil, err
	}
	return wireAuth(r), nil
}

type tokenInput struct {
	AccessToken string `json:"AccessToken"`
}

type getUserOutput struct {
	Username       string          `json:"Username"`
	UserAttributes []attributeType `json:"UserAttributes"`
}

func (c *call) getUser(body []byte) (any, error) {
	var in tokenInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkToken(in.AccessToken); err != nil {
		return nil, err
	}
	u, err := c.h.o.Pools.GetUser(c.ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return getUserOutput{Username: u.Username, UserAttributes: attributes(u, nil)}, nil
}

func (c *call) globalSignOut(body []byte) (any, error) {
	var in tokenInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkToken(in.AccessToken); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Pools.GlobalSignOut(c.ctx, in.AccessToken)
}

// checkToken enforces TokenModelType's pattern.
func checkToken(tok string) error {
	return cognito.Check(cognito.Field{Name: "accessToken", Value: tok, Pattern: tokenPattern, PatternS: `[A-Za-z0-9-_=.]+`, Min: 1, Sensitive: true})
}

type changePasswordInput struct {
	AccessToken      string `json:"AccessToken"`
	PreviousPassword string `json:"PreviousPassword"`
	ProposedPassword string `json:"ProposedPassword"`
}

func (c *call) changePassword(body []byte) (any, error) {
	var in changePasswordInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkToken(in.AccessToken); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Pools.ChangePassword(c.ctx, in.AccessToken, in.PreviousPassword, in.ProposedPassword)
}

type forgotInput struct {
	ClientID         string `json:"ClientId"`
	SecretHash       string `json:"SecretHash"`
	Username         string `json:"Username"`
	ConfirmationCode string `json:"ConfirmationCode"`
	Password         string `json:"Password"`
}

type deliveryOutput struct {
	CodeDeliveryDetails *codeDelivery `json:"CodeDeliveryDetails,omitempty"`
}

func wireDelivery(d *cognito.Delivery) deliveryOutput {
	if d == nil {
		return deliveryOutput{}
	}
	return deliveryOutput{CodeDeliveryDetails: &codeDelivery{Destination: d.Destination, DeliveryMedium: d.DeliveryMedium, AttributeName: d.AttributeName}}
}

func (c *call) forgotPassword(body []byte) (any, error) {
	var in forgotInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	d, err := c.h.o.Pools.ForgotPassword(c.ctx, in.ClientID, in.Username, in.SecretHash)
	if err != nil {
		return nil, err
	}
	return wireDelivery(d), nil
}

func (c *call) confirmForgotPassword(body []byte) (any, error) {
	var in forgotInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Pools.ConfirmForgotPassword(c.ctx, in.ClientID, in.Username, in.ConfirmationCode, in.Password, in.SecretHash)
}

func (c *call) resendConfirmationCode(body []byte) (any, error) {
	var in forgotInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	d, err := c.h.o.Pools.ResendConfirmationCode(c.ctx, in.ClientID, in.Username, in.SecretHash)
	if err != nil {
		return nil, err
	}
	return wireDelivery(d), nil
}
