package apigwapi

import (
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Deployments and stages: create-deployment, create-stage, update-stage
// (patch operations as https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html
// lists them for a stage) and their deletes.

func createDeployment(c *call) (any, error) {
	var in struct {
		StageName        string            `json:"stageName"`
		StageDescription string            `json:"stageDescription"`
		Description      string            `json:"description"`
		Variables        map[string]string `json:"variables"`
		TracingEnabled   bool              `json:"tracingEnabled"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	d, err := c.h.o.APIs.CreateDeployment(c.ctx, c.rt.api, in.StageName, in.Description)
	if err != nil {
		return nil, err
	}
	if in.StageName != "" && (in.StageDescription != "" || len(in.Variables) > 0 || in.TracingEnabled) {
		_, err := c.h.o.APIs.UpdateStage(c.ctx, c.rt.api, in.StageName, func(s *apigw.Stage) error {
			if in.StageDescription != "" {
				s.Description = in.StageDescription
			}
			if len(in.Variables) > 0 {
				s.Variables = in.Variables
			}
			s.TracingEnabled = s.TracingEnabled || in.TracingEnabled
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return toDeployment(d), nil
}

func deleteDeployment(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteDeployment(c.ctx, c.rt.api, c.rt.depID)
}

func createStage(c *call) (any, error) {
	var in struct {
		StageName      string            `json:"stageName"`
		DeploymentID   string            `json:"deploymentId"`
		Description    string            `json:"description"`
		Variables      map[string]string `json:"variables"`
		Tags           map[string]string `json:"tags"`
		TracingEnabled bool              `json:"tracingEnabled"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.DeploymentID == "" {
		return nil, awserr.New(awserr.BadRequestException, "Deployment id must be non-empty")
	}
	s, err := c.h.o.APIs.CreateStage(c.ctx, apigw.Stage{RestAPIID: c.rt.api, StageName: in.StageName, DeploymentID: in.DeploymentID,
		Description: in.Description, Variables: in.Variables, Tags: in.Tags, TracingEnabled: in.TracingEnabled})
	return toStage(s), err
}

func updateStage(c *call) (any, error) {
	ops, err := c.patchOps()
	if err != nil {
		return nil, err
	}
	s, err := c.h.o.APIs.UpdateStage(c.ctx, c.rt.api, c.rt.stage, func(s *apigw.Stage) error {
		for _, p := range ops {
			if err := patchStage(s, p); err != nil {
				return err
			}
		}
		return nil
	})
	return toStage(s), err
}

func patchStage(s *apigw.Stage, p patchOp) error {
	switch {
	case p.Path == "/deploymentId" && p.Op == "replace":
		s.DeploymentID = p.Value
	case p.Path == "/description" && p.Op == "replace":
		s.Description = p.Value
	case p.Path == "/tracingEnabled" && p.Op == "replace":
		s.TracingEnabled = p.Value == "true"
	case strings.HasPrefix(p.Path, "/variables/"):
		name := unescapePatch(strings.TrimPrefix(p.Path, "/variables/"))
		switch p.Op {
		case "replace", "add":
			if s.Variables == nil {
				s.Variables = map[string]string{}
			}
			s.Variables[name] = p.Value
		case "remove":
			delete(s.Variables, name)
		default:
			return errPatchPath(p)
		}
	case p.Path == "/accessLogSettings" && p.Op == "remove":
		s.AccessLogSettings = nil
	case p.Path == "/accessLogSettings/destinationArn" && p.Op == "replace":
		if s.AccessLogSettings == nil {
			s.AccessLogSettings = &apigw.AccessLogSettings{}
		}
		s.AccessLogSettings.DestinationARN = p.Value
	case p.Path == "/accessLogSettings/format" && p.Op == "replace":
		if s.AccessLogSettings == nil {
			s.AccessLogSettings = &apigw.AccessLogSettings{}
		}
		s.AccessLogSettings.Format = p.Value
	default:
		return patchMethodSetting(s, p)
	}
	return nil
}

// patchMethodSetting handles /{resource path}/{METHOD}/{setting}, the
// path ~1-escaped and "*" for every resource or method: /*/*/throttling/rateLimit.
func patchMethodSetting(s *apigw.Stage, p patchOp) error {
	parts := strings.SplitN(strings.TrimPrefix(p.Path, "/"), "/", 3)
	if len(parts) != 3 || (p.Op != "replace" && p.Op != "remove") {
		return errPatchPath(p)
	}
	key := apigw.MethodSettingsKey(parts[0], parts[1])
	if s.MethodSettings == nil {
		s.MethodSettings = map[string]apigw.MethodSettings{}
	}
	ms := s.MethodSettings[key]
	if p.Op == "remove" {
		delete(s.MethodSettings, key)
		return nil
	}
	bad := func() error {
		return awserr.New(awserr.BadRequestException, "Invalid value '%s' for patch path '%s'", p.Value, p.Path)
	}
	switch parts[2] {
	case "metrics/enabled":
		ms.MetricsEnabled = p.Value == "true"
	case "logging/loglevel":
		if p.Value != "OFF" && p.Value != "ERROR" && p.Value != "INFO" {
			return bad()
		}
		ms.LoggingLevel = p.Value
	case "logging/dataTrace":
		ms.DataTraceEnabled = p.Value == "true"
	case "throttling/burstLimit":
		n, err := strconv.Atoi(p.Value)
		if err != nil || n < 0 {
			return bad()
		}
		ms.ThrottlingBurstLimit = &n
	case "throttling/rateLimit":
		f, err := strconv.ParseFloat(p.Value, 64)
		if err != nil || f < 0 {
			return bad()
		}
		ms.ThrottlingRateLimit = &f
	case "caching/enabled":
		ms.CachingEnabled = p.Value == "true"
	default:
		return errPatchPath(p)
	}
	s.MethodSettings[key] = ms
	return nil
}

func deleteStage(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteStage(c.ctx, c.rt.api, c.rt.stage)
}
