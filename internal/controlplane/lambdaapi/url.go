package lambdaapi

import (
	"net/http"

	"github.com/iamgate/iamgate/internal/functions"
)

// Function URL configuration
// (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html
// and its Get, Update, Delete and List siblings), under /2021-10-31. IAM
// checks them on the function's ARN, the alias ARN for an alias's URL.

type urlRequest struct {
	AuthType   string             `json:"AuthType"`
	Cors       *functions.URLCors `json:"Cors"`
	InvokeMode string             `json:"InvokeMode"`
}

// FunctionURLConfig is Lambda's shape of a function URL.
type FunctionURLConfig struct {
	FunctionURL      string             `json:"FunctionUrl"`
	FunctionArn      string             `json:"FunctionArn"`
	AuthType         string             `json:"AuthType"`
	Cors             *functions.URLCors `json:"Cors,omitempty"`
	CreationTime     string             `json:"CreationTime"`
	LastModifiedTime string             `json:"LastModifiedTime,omitempty"`
	InvokeMode       string             `json:"InvokeMode"`
}

func (c *call) urlShape(u functions.URLConfig, modified bool) FunctionURLConfig {
	out := FunctionURLConfig{FunctionURL: u.URL(c.h.o.Region), FunctionArn: u.ARN, AuthType: u.AuthType, Cors: u.Cors,
		CreationTime: timestamp(u.Created), InvokeMode: u.InvokeMode}
	if modified {
		out.LastModifiedTime = timestamp(u.Modified)
	}
	return out
}

func (c *call) createURL() error {
	if err := c.authorize("lambda:CreateFunctionUrlConfig", c.arn()); err != nil {
		return err
	}
	var req urlRequest
	if err := c.readJSON(&req, maxRequest); err != nil {
		return err
	}
	u, err := c.h.o.Functions.CreateURL(c.ctx, c.name(), c.qual, functions.URLInput(req))
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, c.urlShape(u, false))
}

func (c *call) getURL() error {
	if err := c.authorize("lambda:GetFunctionUrlConfig", c.arn()); err != nil {
		return err
	}
	u, err := c.h.o.Functions.GetURL(c.ctx, c.name(), c.qual)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, c.urlShape(u, true))
}

func (c *call) updateURL() error {
	if err := c.authorize("lambda:UpdateFunctionUrlConfig", c.arn()); err != nil {
		return err
	}
	var req urlRequest
	if err := c.readJSON(&req, maxRequest); err != nil {
		return err
	}
	u, err := c.h.o.Functions.UpdateURL(c.ctx, c.name(), c.qual, functions.URLInput(req))
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, c.urlShape(u, true))
}

func (c *call) deleteURL() error {
	if err := c.authorize("lambda:DeleteFunctionUrlConfig", c.arn()); err != nil {
		return err
	}
	if err := c.h.o.Functions.DeleteURL(c.ctx, c.name(), c.qual); err != nil {
		return err
	}
	return c.noContent()
}

func (c *call) listURLs() error {
	if err := c.authorize("lambda:ListFunctionUrlConfigs", c.unqualifiedARN()); err != nil {
		return err
	}
	all, err := c.h.o.Functions.ListURLs(c.ctx, c.name())
	if err != nil {
		return err
	}
	page, next, err := pageOf(c, all, func(u functions.URLConfig) FunctionURLConfig { return c.urlShape(u, true) })
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, struct {
		FunctionURLConfigs []FunctionURLConfig `json:"FunctionUrlConfigs"`
		NextMarker         string              `json:"NextMarker,omitempty"`
	}{page, next})
}
