package lambdaapi

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
)

// FunctionConfiguration is Lambda's shape of a function's settings
// (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
type FunctionConfiguration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int               `json:"Timeout"`
	MemorySize       int               `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	Environment      *environment      `json:"Environment,omitempty"`
	TracingConfig    map[string]string `json:"TracingConfig"`
	RevisionID       string            `json:"RevisionId"`
	State            string            `json:"State"`
	LastUpdateStatus string            `json:"LastUpdateStatus"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage map[string]int    `json:"EphemeralStorage"`
	SnapStart        map[string]string `json:"SnapStart"`
	LoggingConfig    map[string]string `json:"LoggingConfig"`
	Layers           []layerRef        `json:"Layers,omitempty"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

func configuration(c functions.Config) FunctionConfiguration {
	arch := c.Architectures
	if len(arch) == 0 {
		arch = []string{"x86_64"}
	}
	fc := FunctionConfiguration{
		FunctionName: c.Name, FunctionArn: c.ARN, Runtime: c.Runtime, Role: c.Role, Handler: c.Handler,
		CodeSize: c.CodeSize, Description: c.Description, Timeout: c.Timeout, MemorySize: c.MemorySize,
		LastModified: timestamp(c.LastModified), CodeSha256: c.CodeSha256, Version: c.VersionName(),
		TracingConfig: map[string]string{"Mode": tracingMode(c)}, RevisionID: c.RevisionID, State: "Active",
		LastUpdateStatus: "Successful", PackageType: "Zip", Architectures: arch,
		EphemeralStorage: map[string]int{"Size": 512},
		SnapStart:        map[string]string{"ApplyOn": "None", "OptimizationStatus": "Off"},
		LoggingConfig:    map[string]string{"LogFormat": "Text", "LogGroup": c.LogGroup},
	}
	if len(c.Env) > 0 {
		fc.Environment = &environment{Variables: c.Env}
	}
	for _, l := range c.Layers {
		fc.Layers = append(fc.Layers, layerRef{Arn: l.Arn, CodeSize: l.CodeSize})
	}
	return fc
}

func tracingMode(c functions.Config) string {
	if c.TracingMode == "" {
		return "PassThrough"
	}
	return c.TracingMode
}

// layerRef is a layer in FunctionConfiguration.Layers.
type layerRef struct {
	Arn      string `json:"Arn"`
	CodeSize int64  `json:"CodeSize"`
}

// listFunctions is ListFunctions (lambda:ListFunctions, resource "*"),
// paged by Marker/MaxItems (at most 50 per page).
func (c *call) listFunctions() error {
	if err := c.authorize("lambda:ListFunctions", "*"); err != nil {
		return err
	}
	all, err := c.h.o.Functions.List(c.ctx)
	if err != nil {
		return err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	q := c.r.URL.Query()
	max := 50
	if v := q.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", v)
		}
		max = min(n, 50)
	}
	marker := q.Get("Marker")
	out := struct {
		Functions  []FunctionConfiguration `json:"Functions"`
		NextMarker string                  `json:"NextMarker,omitempty"`
	}{Functions: []FunctionConfiguration{}}
	for _, f := range all {
		if marker != "" && f.Name <= marker {
			continue
		}
		if len(out.Functions) == max {
			out.NextMarker = out.Functions[max-1].FunctionName
			break
		}
		out.Functions = append(out.Functions, configuration(f))
	}
	return c.writeJSON(http.StatusOK, out)
}

// get loads the route's function at its qualifier: $LATEST, a version, or
// the version an alias points at.
func (c *call) get() (functions.Config, error) {
	if c.qual == "" || c.qual == functions.Latest || functions.IsVersion(c.qual) {
		return c.h.o.Functions.Version(c.ctx, c.name(), c.qual)
	}
	a, err := c.h.o.Functions.GetAlias(c.ctx, c.name(), c.qual)
	if err != nil {
		return functions.Config{}, awserr.New(ResourceNotFound, "Function not found: %s", c.arn())
	}
	return c.h.o.Functions.Version(c.ctx, c.name(), a.FunctionVersion)
}

// getFunction is GetFunction: configuration, code location and tags.
func (c *call) getFunction() error {
	if err := c.authorize("lambda:GetFunction", c.arn()); err != nil {
		return err
	}
	f, err := c.get()
	if err != nil {
		return err
	}
	out := struct {
		Configuration FunctionConfiguration `json:"Configuration"`
		Code          map[string]string     `json:"Code"`
		Tags          map[string]string     `json:"Tags,omitempty"`
		Concurrency   *concurrency          `json:"Concurrency,omitempty"`
	}{Configuration: configuration(f), Code: map[string]string{"RepositoryType": "S3"}, Tags: f.Tags}
	if f.ReservedConcurrency != nil {
		out.Concurrency = &concurrency{f.ReservedConcurrency}
	}
	return c.writeJSON(http.StatusOK, out)
}

// getFunctionConfiguration is GetFunctionConfiguration.
func (c *call) getFunctionConfiguration() error {
	if err := c.authorize("lambda:GetFunctionConfiguration", c.arn()); err != nil {
		return err
	}
	f, err := c.get()
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, configuration(f))
}

// functionCode is the Code member of CreateFunction and the body of
// UpdateFunctionCode.
type functionCode struct {
	ZipFile  string `json:"ZipFile"` // base64
	S3Bucket string `json:"S3Bucket"`
	S3Key    string `json:"S3Key"`
}

func (c *call) zip(code functionCode) ([]byte, error) {
	switch {
	case code.ZipFile != "":
		b, err := base64.StdEncoding.DecodeString(code.ZipFile)
		if err != nil {
			return nil, awserr.New(InvalidParameter, "Could not unzip uploaded file. Please check your file, then try to upload again.")
		}
		return b, nil
	case code.S3Bucket != "" && code.S3Key != "" && c.h.o.Code != nil:
		if err := c.readCode(code.S3Bucket, code.S3Key); err != nil {
			return nil, err
		}
		b, err := c.h.o.Code(c.ctx, code.S3Bucket, code.S3Key)
		if err != nil {
			return nil, awserr.New(InvalidParameter, "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")
		}
		return b, nil
	}
	return nil, awserr.New(InvalidParameter, "Please provide a source for function code.")
}

type createRequest struct {
	FunctionName  string            `json:"FunctionName"`
	Runtime       string            `json:"Runtime"`
	Role          string            `json:"Role"`
	Handler       string            `json:"Handler"`
	Description   string            `json:"Description"`
	Timeout       int               `json:"Timeout"`
	MemorySize    int               `json:"MemorySize"`
	Code          functionCode      `json:"Code"`
	Environment   *environment      `json:"Environment"`
	Architectures []string          `json:"Architectures"`
	Tags          map[string]string `json:"Tags"`
	Layers        []string          `json:"Layers"`
}

// createFunction is CreateFunction (201 with the configuration).
func (c *call) createFunction() error {
	var req createRequest
	if err := c.readJSON(&req, maxCreate); err != nil {
		return err
	}
	name := functions.NameOf(req.FunctionName)
	if name == "" {
		return awserr.New(InvalidParameter, "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null")
	}
	if err := functions.ValidateName(req.FunctionName); err != nil {
		return err
	}
	if err := c.authorize("lambda:CreateFunction", c.h.o.Functions.ARN(name)); err != nil {
		return err
	}
	if err := c.passRole(req.Role); err != nil {
		return err
	}
	layers, err := c.layers(req.Layers, nil)
	if err != nil {
		return err
	}
	if _, err := c.h.o.Functions.Get(c.ctx, name); err == nil {
		return awserr.New(ResourceConflict, "Function already exist: %s", name)
	}
	zipped, err := c.zip(req.Code)
	if err != nil {
		return err
	}
	cfg := functions.Config{Name: name, Runtime: req.Runtime, Handler: req.Handler, Role: req.Role,
		Description: req.Description, Timeout: req.Timeout, MemorySize: req.MemorySize,
		Architectures: req.Architectures, Tags: req.Tags, Layers: layers}
	if len(layers) == 0 {
		cfg.Layers = nil
	}
	if req.Environment != nil {
		cfg.Env = req.Environment.Variables
	}
	out, err := c.h.o.Functions.Put(c.ctx, cfg, zipped)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, configuration(out))
}

// updateFunctionCode is UpdateFunctionCode: new code, same settings.
func (c *call) updateFunctionCode() error {
	if err := c.authorize("lambda:UpdateFunctionCode", c.arn()); err != nil {
		return err
	}
	if err := c.unqualifiedOnly(); err != nil {
		return err
	}
	var req functionCode
	if err := c.readJSON(&req, maxCreate); err != nil {
		return err
	}
	cfg, err := c.get()
	if err != nil {
		return err
	}
	zipped, err := c.zip(req)
	if err != nil {
		return err
	}
	out, err := c.h.o.Functions.Put(c.ctx, cfg, zipped)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, configuration(out))
}

// deleteFunction is DeleteFunction (204).
func (c *call) deleteFunction() error {
	if err := c.authorize("lambda:DeleteFunction", c.arn()); err != nil {
		return err
	}
	if c.qual != "" {
		if !functions.IsVersion(c.qual) && c.qual != functions.Latest {
			return awserr.New(InvalidParameter, "Deletion of aliases is not currently supported.")
		}
		if err := c.h.o.Functions.DeleteVersion(c.ctx, c.name(), c.qual); err != nil {
			return err
		}
		return c.noContent()
	}
	if _, err := c.get(); err != nil {
		return err
	}
	if err := c.h.o.Functions.Delete(c.ctx, c.name()); err != nil {
		return err
	}
	return c.noContent()
}
