package lambdaapi

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
)

// getPolicy is GetPolicy: the resource policy as a JSON string.
func (c *call) getPolicy() error {
	if err := c.authorize("lambda:GetPolicy", c.arn()); err != nil {
		return err
	}
	f, err := c.get()
	if err != nil {
		return err
	}
	doc, err := c.h.o.Functions.QualifiedPolicy(c.ctx, c.name(), c.qual)
	if err != nil {
		return err
	}
	if doc == "" {
		return awserr.New(ResourceNotFound, "The resource you requested does not exist.")
	}
	return c.writeJSON(http.StatusOK, map[string]string{"Policy": doc, "RevisionId": f.RevisionID})
}

type addPermissionRequest struct {
	StatementID   string `json:"StatementId"`
	Action        string `json:"Action"`
	Principal     string `json:"Principal"`
	SourceArn     string `json:"SourceArn"`
	SourceAccount string `json:"SourceAccount"`
	// EventSourceToken is what the invoker must present (an Alexa skill ID).
	EventSourceToken string `json:"EventSourceToken"`
	// FunctionUrlAuthType scopes lambda:InvokeFunctionUrl statements.
	FunctionUrlAuthType   string `json:"FunctionUrlAuthType"`
	InvokedViaFunctionUrl bool   `json:"InvokedViaFunctionUrl"`
	PrincipalOrgID        string `json:"PrincipalOrgID"`
}

// addPermission is AddPermission: 201 with the new statement as a JSON string.
func (c *call) addPermission() error {
	if err := c.authorize("lambda:AddPermission", c.arn()); err != nil {
		return err
	}
	var req addPermissionRequest
	if err := c.readJSON(&req, maxRequest); err != nil {
		return err
	}
	for field, v := range map[string]string{"statementId": req.StatementID, "action": req.Action, "principal": req.Principal} {
		if v == "" {
			return awserr.New(InvalidParameter, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
		}
	}
	if _, err := c.get(); err != nil {
		return err
	}
	if req.FunctionUrlAuthType != "" && req.FunctionUrlAuthType != "AWS_IAM" && req.FunctionUrlAuthType != "NONE" {
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at 'functionUrlAuthType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]", req.FunctionUrlAuthType)
	}
	p := functions.Permission{Sid: req.StatementID, Action: req.Action, Principal: req.Principal,
		SourceArn: req.SourceArn, SourceAccount: req.SourceAccount, EventSourceToken: req.EventSourceToken,
		FunctionUrlAuthType:   req.FunctionUrlAuthType,
		InvokedViaFunctionUrl: req.InvokedViaFunctionUrl, PrincipalOrgID: req.PrincipalOrgID}
	if err := c.h.o.Functions.AddPermission(c.ctx, c.qualifiedName(), p); err != nil {
		return err
	}
	doc, err := c.h.o.Functions.QualifiedPolicy(c.ctx, c.name(), c.qual)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, map[string]string{"Statement": statement(doc, req.StatementID)})
}

// statement picks one statement out of a policy document, so that
// AddPermission echoes exactly what GetPolicy will show.
func statement(policy, sid string) string {
	var doc struct {
		Statement []json.RawMessage `json:"Statement"`
	}
	_ = json.Unmarshal([]byte(policy), &doc)
	for _, raw := range doc.Statement {
		var s struct{ Sid string }
		if json.Unmarshal(raw, &s) == nil && s.Sid == sid {
			return string(raw)
		}
	}
	return ""
}

// removePermission is RemovePermission (204).
func (c *call) removePermission() error {
	if err := c.authorize("lambda:RemovePermission", c.arn()); err != nil {
		return err
	}
	if _, err := c.get(); err != nil {
		return err
	}
	sid, err := url.PathUnescape(c.rt.sid)
	if err != nil {
		sid = c.rt.sid
	}
	if err := c.h.o.Functions.RemovePermission(c.ctx, c.qualifiedName(), sid); err != nil {
		return err
	}
	return c.noContent()
}
