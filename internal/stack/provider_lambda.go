package stack

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/lambda"
)

// Functions is what the Lambda providers need; *functions.Service satisfies it.
type Functions interface {
	Put(ctx context.Context, c functions.Config, zipped []byte) (functions.Config, error)
	Get(ctx context.Context, name string) (functions.Config, error)
	Delete(ctx context.Context, name string) error
	AddPermission(ctx context.Context, name string, p functions.Permission) error
	RemovePermission(ctx context.Context, name, sid string) error
	PutConcurrency(ctx context.Context, name string, n int) error
	DeleteConcurrency(ctx context.Context, name string) error
	FunctionVersions
	FunctionURLs
	FunctionLayers
}

// Objects reads S3 objects (function code).
type Objects interface {
	LoadInclude(ctx context.Context, location string) ([]byte, error)
}

// RegisterLambda adds the AWS::Lambda::* providers.
func (e *Engine) RegisterLambda(fns Functions, objects Objects) {
	g := &lambdaGuard{in: fns, e: e}
	e.Register("AWS::Lambda::Function", &functionProvider{fns: g, objects: objectGuard{objects}})
	e.Register("AWS::Lambda::Permission", &permissionProvider{fns: g})
	e.Register("AWS::Lambda::Version", &versionProvider{fns: g})
	e.Register("AWS::Lambda::Alias", &aliasProvider{fns: g})
	e.Register("AWS::Lambda::Url", &urlProvider{fns: g, region: e.region})
	e.Register("AWS::Lambda::LayerVersion", &layerProvider{fns: g, objects: objectGuard{objects}})
}

type functionProvider struct {
	fns     Functions
	objects Objects
}

func (p *functionProvider) code(ctx context.Context, props map[string]any, runtime string) ([]byte, error) {
	code, _ := props["Code"].(map[string]any)
	if zf, ok := code["ZipFile"]; ok {
		return inlineZip(toString(zf), runtime)
	}
	return s3Code(ctx, p.objects, str(code, "S3Bucket"), str(code, "S3Key"))
}

// s3Code reads a code or layer archive from S3 with the actor's
// permissions, answering as Lambda does.
func s3Code(ctx context.Context, objects Objects, bucket, key string) ([]byte, error) {
	if bucket == "" || key == "" {
		return nil, awserr.New(awserr.InvalidParameterValueExc, "Please provide a source for function code.")
	}
	data, err := objects.LoadInclude(ctx, "s3://"+bucket+"/"+key)
	var denied *deniedError
	if errors.As(err, &denied) {
		// Lambda reads the code with the caller's permissions.
		return nil, awserr.New(awserr.AccessDeniedException, "Your access has been denied by S3, please make sure your request credentials have permission to GetObject for %s/%s. S3 Error Code: AccessDenied. S3 Error Message: Access Denied", bucket, key)
	}
	if err != nil {
		return nil, awserr.New(awserr.InvalidParameterValueExc, "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")
	}
	return data, nil
}

// integer reads a template integer: a number without a fraction, or a
// string of one (CloudFormation passes parameters as strings).
func integer(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case float64:
		// Past 2^53 a JSON number is no longer an exact integer.
		if v >= -(1<<53) && v <= 1<<53 && v == float64(int(v)) {
			return int(v), true
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, true
		}
	}
	return 0, false
}

// jsonType names v's JSON type as CloudFormation's schema errors do.
func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "String"
	case bool:
		return "Boolean"
	case []any:
		return "JSONArray"
	case map[string]any:
		return "JSONObject"
	case nil:
		return "Null"
	}
	return "Number"
}

// inlineZip packages ZipFile code as CloudFormation does: index.py or
// index.js, with the cfn-response module when the code loads it.
func inlineZip(src, runtime string) ([]byte, error) {
	name := "index.py"
	if strings.HasPrefix(runtime, "nodejs") {
		name = "index.js"
	}
	files := map[string][]byte{name: []byte(src)}
	for path, data := range lambda.InlineModules(runtime, src) {
		files[path] = data
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, path := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.Create(path)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[path]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (p *functionProvider) config(in *Input, name string) functions.Config {
	c := functions.Config{Name: name, Runtime: str(in.Props, "Runtime"), Handler: str(in.Props, "Handler"),
		Role: str(in.Props, "Role"), Description: str(in.Props, "Description"),
		Timeout: intProp(in.Props, "Timeout", 3), MemorySize: intProp(in.Props, "MemorySize", 128),
		Architectures: strList(in.Props, "Architectures"), Layers: functions.LayerRefs(strList(in.Props, "Layers"))}
	if env, ok := in.Props["Environment"].(map[string]any); ok {
		if vars, ok := env["Variables"].(map[string]any); ok {
			c.Env = map[string]string{}
			for k, v := range vars {
				c.Env[k] = toString(v)
			}
		}
	}
	if lc, ok := in.Props["LoggingConfig"].(map[string]any); ok {
		c.LogGroup = str(lc, "LogGroup")
	}
	return c
}

func (p *functionProvider) put(ctx context.Context, in *Input, name string) (Result, error) {
	c := p.config(in, name)
	zipped, err := p.code(ctx, in.Props, c.Runtime)
	if err != nil {
		return Result{}, err
	}
	c, err = p.fns.Put(ctx, c, zipped)
	if err != nil {
		return Result{}, err
	}
	if err := p.concurrency(ctx, in, c); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: c.Name, Attrs: map[string]any{"Arn": c.ARN}}, nil
}

// concurrency applies ReservedConcurrentExecutions as CloudFormation does,
// with PutFunctionConcurrency, and removes a reservation whose property was
// removed (DeleteFunctionConcurrency); Put itself keeps the stored one.
func (p *functionProvider) concurrency(ctx context.Context, in *Input, c functions.Config) error {
	if v, set := in.Props["ReservedConcurrentExecutions"]; set {
		n, ok := integer(v)
		if !ok {
			return awserr.New(awserr.InvalidParameterValueExc, "Properties validation failed for resource %s with message: #/ReservedConcurrentExecutions: expected type: Integer, found: %s", in.LogicalID, jsonType(v))
		}
		return p.fns.PutConcurrency(ctx, c.Name, n)
	}
	if c.ReservedConcurrency != nil {
		return p.fns.DeleteConcurrency(ctx, c.Name)
	}
	return nil
}

func (p *functionProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "FunctionName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 64, false)
	} else if _, err := p.fns.Get(ctx, name); err == nil {
		return Result{}, awserr.New(awserr.ResourceConflictException, "Function already exist: %s", name)
	}
	return p.put(ctx, in, name)
}

func (p *functionProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if n := str(in.Props, "FunctionName"); n != "" && n != prev.PhysicalID {
		return Result{}, ErrReplace
	}
	return p.put(ctx, in, prev.PhysicalID)
}

func (p *functionProvider) Delete(ctx context.Context, prev State) error {
	return p.fns.Delete(ctx, prev.PhysicalID)
}

type permissionProvider struct{ fns Functions }

func (p *permissionProvider) Create(ctx context.Context, in *Input) (Result, error) {
	sid := physicalName(in.StackName, in.LogicalID, 100, true)
	// FunctionName may be a version or alias ARN (SAM's AutoPublishAlias
	// permissions name the alias): the statement goes to its policy.
	fn := qualifiedName(str(in.Props, "FunctionName"))
	err := p.fns.AddPermission(ctx, fn, functions.Permission{Sid: sid, Action: str(in.Props, "Action"),
		Principal: str(in.Props, "Principal"), SourceArn: str(in.Props, "SourceArn"), SourceAccount: str(in.Props, "SourceAccount"),
		EventSourceToken:    str(in.Props, "EventSourceToken"),
		FunctionUrlAuthType: str(in.Props, "FunctionUrlAuthType"), InvokedViaFunctionUrl: boolProp(in.Props, "InvokedViaFunctionUrl"),
		PrincipalOrgID: str(in.Props, "PrincipalOrgID")})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: sid}, nil
}

func (p *permissionProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *permissionProvider) Delete(ctx context.Context, prev State) error {
	return p.fns.RemovePermission(ctx, qualifiedName(str(prev.Props, "FunctionName")), prev.PhysicalID)
}

// qualifiedName reduces a FunctionName form to "name" or "name:qualifier".
func qualifiedName(v string) string {
	name, q := functions.Split(v)
	if q == "" {
		return name
	}
	return name + ":" + q
}

func boolProp(props map[string]any, key string) bool {
	switch v := props[key].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}
