package cognitoapi

import (
	"slices"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cognito"
)

type adminUserInput struct {
	UserPoolID             string          `json:"UserPoolId"`
	Username               string          `json:"Username"`
	UserAttributes         []attributeType `json:"UserAttributes"`
	TemporaryPassword      string          `json:"TemporaryPassword"`
	MessageAction          string          `json:"MessageAction"`
	DesiredDeliveryMediums []string        `json:"DesiredDeliveryMediums"`
	Password               string          `json:"Password"`
	Permanent              bool            `json:"Permanent"`
	GroupName              string          `json:"GroupName"`
}

type userOutput struct {
	User userType `json:"User"`
}

// checkUsername checks an Admin*User operation's Username.
func checkUsername(in *adminUserInput) error {
	return cognito.Check(cognito.UsernameField(in.Username))
}

func (c *call) adminCreateUser(in *adminUserInput) (any, error) {
	u, err := c.h.o.Pools.AdminCreateUser(c.ctx, cognito.AdminCreateUserInput{PoolID: in.UserPoolID, Username: in.Username,
		TemporaryPassword: in.TemporaryPassword, MessageAction: in.MessageAction, Attributes: attrMap(in.UserAttributes),
		DesiredDeliveryMediums: in.DesiredDeliveryMediums})
	if err != nil {
		return nil, err
	}
	return userOutput{User: wireUser(u, nil)}, nil
}

func (c *call) adminSetUserPassword(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminSetUserPassword(c.ctx, in.UserPoolID, in.Username, in.Password, in.Permanent)
}

func (c *call) adminConfirmSignUp(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminConfirmSignUp(c.ctx, in.UserPoolID, in.Username)
}

type adminGetUserOutput struct {
	Username             string          `json:"Username"`
	UserAttributes       []attributeType `json:"UserAttributes"`
	UserCreateDate       epoch           `json:"UserCreateDate"`
	UserLastModifiedDate epoch           `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

func (c *call) adminGetUser(in *adminUserInput) (any, error) {
	u, err := c.h.o.Pools.AdminGetUser(c.ctx, in.UserPoolID, in.Username)
	if err != nil {
		return nil, err
	}
	return adminGetUserOutput{Username: u.Username, UserAttributes: attributes(u, nil), UserCreateDate: at(u.Created),
		UserLastModifiedDate: at(u.Modified), Enabled: u.Enabled, UserStatus: u.Status}, nil
}

func (c *call) adminDeleteUser(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminDeleteUser(c.ctx, in.UserPoolID, in.Username)
}

func (c *call) adminEnableUser(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminSetUserEnabled(c.ctx, in.UserPoolID, in.Username, true)
}

func (c *call) adminDisableUser(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminSetUserEnabled(c.ctx, in.UserPoolID, in.Username, false)
}

func (c *call) adminUpdateUserAttributes(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminUpdateUserAttributes(c.ctx, in.UserPoolID, in.Username, attrMap(in.UserAttributes))
}

func (c *call) adminAddUserToGroup(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminAddUserToGroup(c.ctx, in.UserPoolID, in.Username, in.GroupName)
}

func (c *call) adminRemoveUserFromGroup(in *adminUserInput) (any, error) {
	return empty{}, c.h.o.Pools.AdminRemoveUserFromGroup(c.ctx, in.UserPoolID, in.Username, in.GroupName)
}

func (c *call) adminListGroupsForUser(in *listInput) (any, error) {
	u, err := c.h.o.Pools.AdminGetUser(c.ctx, in.UserPoolID, in.Username)
	if err != nil {
		return nil, err
	}
	var groups []cognito.Group
	for _, name := range u.Groups {
		if g, err := c.h.o.Pools.Group(c.ctx, in.UserPoolID, name); err == nil {
			groups = append(groups, g)
		}
	}
	page, next, err := paginate(groups, in.NextToken, in.Limit, wireGroup)
	if err != nil {
		return nil, err
	}
	return groupsOutput{Groups: page, NextToken: next}, nil
}

func (c *call) adminInitiateAuth(in *authInput) (any, error) {
	r, err := c.h.o.Pools.InitiateAuth(c.ctx, cognito.AuthInput{Admin: true, PoolID: in.UserPoolID, ClientID: in.ClientID,
		Flow: in.AuthFlow, Params: in.AuthParameters})
	if err != nil {
		return nil, err
	}
	return wireAuth(r), nil
}

func (c *call) adminRespondToAuthChallenge(in *challengeInput) (any, error) {
	r, err := c.h.o.Pools.RespondToAuthChallenge(c.ctx, cognito.ChallengeInput{Admin: true, PoolID: in.UserPoolID, ClientID: in.ClientID,
		ChallengeName: in.ChallengeName, Session: in.Session, Responses: in.ChallengeResponses})
	if err != nil {
		return nil, err
	}
	return wireAuth(r), nil
}

type usersOutput struct {
	Users           []userType `json:"Users"`
	PaginationToken string     `json:"PaginationToken,omitempty"`
	NextToken       string     `json:"NextToken,omitempty"`
}

func (c *call) listUsers(in *listInput) (any, error) {
	if in.Limit < 0 || in.Limit > 60 {
		return nil, awserr.New(cognito.InvalidParameter, "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60", in.Limit)
	}
	f, err := cognito.ParseFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	users, err := c.h.o.Pools.Users(c.ctx, in.UserPoolID)
	if err != nil {
		return nil, err
	}
	users = slices.DeleteFunc(users, func(u cognito.User) bool { return !f.Match(u) })
	page, next, err := paginate(users, in.PaginationToken, in.Limit, func(u cognito.User) userType { return wireUser(u, in.AttributesToGet) })
	if err != nil {
		return nil, err
	}
	return usersOutput{Users: page, PaginationToken: next}, nil
}

func (c *call) listUsersInGroup(in *listInput) (any, error) {
	if _, err := c.h.o.Pools.Group(c.ctx, in.UserPoolID, in.GroupName); err != nil {
		return nil, err
	}
	users, err := c.h.o.Pools.Users(c.ctx, in.UserPoolID)
	if err != nil {
		return nil, err
	}
	users = slices.DeleteFunc(users, func(u cognito.User) bool { return !slices.Contains(u.Groups, in.GroupName) })
	page, next, err := paginate(users, in.NextToken, in.Limit, func(u cognito.User) userType { return wireUser(u, nil) })
	if err != nil {
		return nil, err
	}
	return usersOutput{Users: page, NextToken: next}, nil
}
