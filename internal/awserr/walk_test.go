package awserr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// modulePath is the module's import path prefix.
const modulePath = "github.com/iamgate/iamgate/"

// producers names, for each package (or file) of the module that produces
// AWS errors, the services whose wire those errors reach. The longest
// An entry names a directory (its files), a file, or a file-name prefix
// ending in *. A package that produces codes and is missing here
// fails TestEveryCodeHasAnEntry: say where its errors go.
var producers = map[string][]string{
	"internal/iam":                 {"iam"},
	"internal/iam/session.go":      {"iam", "sts"}, // AssumeRole's and GetSessionToken's rules
	"internal/controlplane/iamapi": {"iam"},
	"internal/controlplane/stsapi": {"sts"},
	"internal/controlplane/cfnapi": {"cloudformation"},
	"internal/controlplane/query":  {"iam", "sts", "cloudformation"},
	// The stack engine's errors reach CloudFormation's API, or a resource
	// event's text worded with the resource's service (handlerReason): each
	// must be known to one of the services listed (anyOf).
	"internal/stack":                   {"cloudformation"},
	"internal/stack/provider_s3.go":    {"s3"},
	"internal/stack/provider_lambda*":  {"lambda"},
	"internal/stack/provider_cognito*": {"cognito-idp"},
	"internal/stack/guard_lambda.go":   {"lambda", "cloudformation"},
	"internal/stack/guard.go":          {"cloudformation", "iam", "lambda", "logs", "apigateway", "s3", "cognito-idp"},
	"internal/s3":                      {"s3"},
	"internal/responsebucket":          {"s3"},
	"internal/controlplane/s3api":      {"s3"},
	"internal/functions":               {"lambda"},
	"internal/controlplane/lambdaapi":  {"lambda"},
	"internal/logs":                    {"logs"},
	"internal/controlplane/logsapi":    {"logs"},
	"internal/controlplane/jsonproto":  {"logs", "cognito-idp"}, // the awsJson1.1 loop logsapi and cognitoapi share
	"internal/cognito":                 {"cognito-idp"},
	"internal/controlplane/cognitoapi": {"cognito-idp"},
	"internal/apigw":                   {"apigateway"},
	"internal/httpapi":                 {"apigateway"},
	"internal/controlplane/apigwapi":   {"apigateway"},
	"internal/controlplane/apigwv2api": {"apigateway"},
	"internal/gateway/testinvoke.go":   {"apigateway"}, // TestInvokeMethod's errors
	// The dispatcher: InvalidAction in IAM's shape when nothing is
	// mounted, the default body limit of mounts that name none, and the
	// answer for services iamgate does not serve (awserr.Unserved).
	"internal/controlplane/handler.go":   {"iam"},
	"internal/controlplane/bodylimit.go": {"apigateway", "cognito-idp"},
	"internal/controlplane/unserved.go":  {"unserved"},
	"internal/controlplane/mount":        {"iam", "sts", "cloudformation", "s3", "lambda", "logs", "cognito-idp", "apigateway"},
	// The authenticator's errors are reworded per protocol by FromSigV4
	// (TestFromSigV4EveryService); the one it builds itself is IAM's.
	"internal/auth":           {"iam"},
	"internal/auth/simulator": {"iam"}, // SimulatePrincipalPolicy and SimulateCustomPolicy
	"internal/server":         {"iamgate"},
	// The Runtime API each function process calls.
	"internal/lambda/runtimeapi.go": {"lambda-runtime"},
}

// anyOf are the producers whose codes need an entry in one of their
// services' tables rather than all.
var anyOf = map[string]bool{"internal/stack": true}

// notWire are codes the walk finds that never reach a wire: CloudFormation
// handler error codes carried inside a stack event's text.
var notWire = map[string]string{
	"internal/stack/provider_s3.go AlreadyExists": "HandlerErrorCode of a resource event (handlerReason), not an S3 answer",
}

// TestEveryCodeHasAnEntry walks every non-test Go file of the module, finds
// each AWS error code a package can produce (awserr.Code constants,
// awserr.New and awserr.Error literals, references to such constants other
// than comparisons) and fails on a code missing from the table of a
// service the package's errors reach.
func TestEveryCodeHasAnEntry(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	uses, files := walkCodes(t, root)
	for p := range producers {
		prefix, glob := strings.CutSuffix(p, "*")
		if !slices.ContainsFunc(files, func(f string) bool {
			return f == p || path.Dir(f) == p || glob && strings.HasPrefix(f, prefix)
		}) {
			t.Errorf("producers names %s, which matches no file: remove or rename it", p)
		}
	}
	if len(uses) < 100 {
		t.Fatalf("walk found only %d code uses: is the walker broken?", len(uses))
	}
	for _, u := range uses {
		if _, ok := notWire[u.file+" "+string(u.code)]; ok {
			continue
		}
		svcs, ok := servicesOf(u.file)
		if !ok {
			t.Errorf("%s: produces %s but is not in producers: name the services its errors reach", u.pos, u.code)
			continue
		}
		var missing []string
		for _, name := range svcs {
			s := ServiceNamed(name)
			switch name {
			case "unserved":
				s = Unserved("unserved", Query)
			case LambdaRuntime.Name:
				s = LambdaRuntime
			}
			if s == nil {
				t.Fatalf("producers names unknown service %q", name)
			}
			if !s.Knows(u.code) {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 && (!anyOf[path.Dir(u.file)] || len(missing) == len(svcs)) {
			t.Errorf("%s: %s has no entry in the table of %s", u.pos, u.code, strings.Join(missing, ", "))
		}
	}
}

func servicesOf(file string) ([]string, bool) {
	if s, ok := producers[file]; ok {
		return s, true
	}
	for p, s := range producers {
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(file, prefix) {
			return s, true
		}
	}
	s, ok := producers[path.Dir(file)]
	return s, ok
}

type codeUse struct {
	file string // module-relative, slash-separated
	pos  string
	code Code
}

type pkgFile struct {
	rel     string
	f       *ast.File
	imports map[string]string // local name → module-relative dir
}

// walkCodes parses the module and returns every code use outside awserr,
// and the files it parsed.
func walkCodes(t *testing.T, root string) ([]codeUse, []string) {
	t.Helper()
	fset := token.NewFileSet()
	var files []pkgFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", ".git", "node_modules", "examples", "bench":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		pf := pkgFile{rel: filepath.ToSlash(rel), f: f, imports: map[string]string{}}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			dir, ok := strings.CutPrefix(p, modulePath)
			if !ok {
				continue
			}
			name := dir[strings.LastIndexByte(dir, '/')+1:]
			if im.Name != nil {
				name = im.Name.Name
			}
			pf.imports[name] = dir
		}
		files = append(files, pf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	consts := codeConsts(files)
	var uses []codeUse
	var names []string
	for _, pf := range files {
		names = append(names, pf.rel)
		dir := filepath.ToSlash(filepath.Dir(pf.rel))
		if dir == "internal/awserr" {
			continue
		}
		add := func(n ast.Node, c Code) {
			uses = append(uses, codeUse{file: pf.rel, pos: fset.Position(n.Pos()).String(), code: c})
		}
		compared := comparedIdents(pf.f)
		ast.Inspect(pf.f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && !compared[n.Sel] {
					if d, ok := pf.imports[x.Name]; ok {
						if c, ok := consts[d+"."+n.Sel.Name]; ok {
							add(n, c)
						}
					}
				}
				return false
			case *ast.Ident:
				if c, ok := consts[dir+"."+n.Name]; ok && !compared[n] {
					add(n, c)
				}
			case *ast.CallExpr:
				// awserr.New("Code", ...) and awserr.Code("Code").
				if isAwserr(pf, n.Fun, "New") || isAwserr(pf, n.Fun, "Code") {
					if c, ok := stringLit(n.Args); ok {
						add(n, Code(c))
					}
				}
			case *ast.CompositeLit:
				if isAwserr(pf, n.Type, "Error") {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" {
								if c, ok := stringLit([]ast.Expr{kv.Value}); ok {
									add(n, Code(c))
								}
							}
						}
					}
				}
			}
			return true
		})
	}
	return uses, names
}

// codeConsts finds every constant of type awserr.Code in the module, and
// the untyped constants that alias one (BucketNotEmpty = s3.BucketNotEmpty),
// keyed "dir.Name".
func codeConsts(files []pkgFile) map[string]Code {
	out := map[string]Code{}
	type alias struct{ key, target string }
	var aliases []alias
	for _, pf := range files {
		dir := filepath.ToSlash(filepath.Dir(pf.rel))
		for _, decl := range pf.f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				typed := vs.Type != nil && (isAwserr(pf, vs.Type, "Code") || dir == "internal/awserr" && isIdent(vs.Type, "Code"))
				for i, name := range vs.Names {
					if i >= len(vs.Values) {
						break
					}
					key := dir + "." + name.Name
					switch v := vs.Values[i].(type) {
					case *ast.BasicLit:
						if typed && v.Kind == token.STRING {
							s, _ := strconv.Unquote(v.Value)
							out[key] = Code(s)
						}
					case *ast.SelectorExpr:
						if x, ok := v.X.(*ast.Ident); ok && vs.Type == nil {
							if d, ok := pf.imports[x.Name]; ok {
								aliases = append(aliases, alias{key, d + "." + v.Sel.Name})
							}
						}
					case *ast.Ident:
						if vs.Type == nil {
							aliases = append(aliases, alias{key, dir + "." + v.Name})
						}
					}
				}
			}
		}
	}
	for range 3 { // aliases of aliases
		for _, a := range aliases {
			if c, ok := out[a.target]; ok {
				out[a.key] = c
			}
		}
	}
	return out
}

// comparedIdents are the identifiers a file only compares a code with
// (awserr.Is(err, X), case X:, e.Code == X): recognizing a code is not
// producing it.
func comparedIdents(f *ast.File) map[*ast.Ident]bool {
	out := map[*ast.Ident]bool{}
	mark := func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.Ident:
			out[e] = true
		case *ast.SelectorExpr:
			out[e.Sel] = true
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CaseClause:
			for _, e := range n.List {
				mark(e)
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				mark(n.X)
				mark(n.Y)
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Is" && len(n.Args) == 2 {
				mark(n.Args[1])
			}
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "Contains" || isSel(n.Fun, "slices", "Contains") {
				for _, a := range n.Args {
					mark(a)
				}
			}
		}
		return true
	})
	return out
}

func isAwserr(pf pkgFile, e ast.Expr, name string) bool {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && pf.imports[x.Name] == "internal/awserr"
}

func isSel(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == pkg
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func stringLit(args []ast.Expr) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	lit, ok := args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil && s != ""
}

// TestWalkerFindsKnownUses pins the walker on forms it must see, so that a
// broken walker cannot pass TestEveryCodeHasAnEntry by finding nothing.
func TestWalkerFindsKnownUses(t *testing.T) {
	root, _ := filepath.Abs("../..")
	uses, _ := walkCodes(t, root)
	has := func(file string, c Code) bool {
		return slices.ContainsFunc(uses, func(u codeUse) bool { return u.file == file && u.code == c })
	}
	for _, want := range []struct {
		file string
		code Code
	}{
		{"internal/controlplane/s3api/errors.go", "NoSuchUpload"},                // a local constant
		{"internal/controlplane/s3api/errors.go", "BucketNotEmpty"},              // an alias of s3's
		{"internal/controlplane/s3api/policy.go", "PolicyTooLarge"},              // awserr.Code("...")
		{"internal/controlplane/stsapi/sts.go", "AccessDenied"},                  // awserr.New(awserr.X, ...)
		{"internal/controlplane/bodylimit.go", "RequestEntityTooLargeException"}, // awserr.New("...")
	} {
		if !has(want.file, want.code) {
			t.Errorf("walk missed %s in %s", want.code, want.file)
		}
	}
}
