package mapping

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/vtl"
)

func render(t *testing.T, src string, req *Request, payload string) *Result {
	t.Helper()
	tpl, err := vtl.Parse("application/json", src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Render(tpl, req, []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sameJSON compares two JSON texts by value.
func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("output differs (-want +got):\n%s\n%s", d, got)
	}
}

var docRequest = &Request{
	Params: Params{
		Path:        map[string]string{"id": "abc"},
		QueryString: []Pair{{"name", "Ann"}, {"q", "1"}, {"q", "2"}},
		Header:      http.Header{"User-Agent": {"curl/7.84.0"}, "Header1": {"header1Val"}, "Header2": {"header2Val"}},
	},
	Context: Context{
		AccountID: "111122223333", APIID: "abcd1234", HTTPMethod: "GET", RequestID: "abcdefg-000-000-0000-abcdefg",
		ResourceID: "efg567", ResourcePath: "/", Stage: "prod",
		Identity: Identity{SourceIP: "192.0.2.1", UserAgent: "curl/7.84.0", AccountID: "111122223333", APIKey: "MyTestKey",
			Caller: "ABCD-0000-12345", User: "ABCD-0000-12345", UserArn: "arn:aws:sts::111122223333:assumed-role/Admin/carlos-salazar"},
	},
	StageVariables: map[string]string{"env": "test", "my-var": "x"},
}

// The $context example of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-variable-examples.html
// (Example 1), with the values of its documented output.
func TestDocContextExample(t *testing.T) {
	src := `{
    "stage" : "$context.stage",
    "request_id" : "$context.requestId",
    "api_id" : "$context.apiId",
    "resource_path" : "$context.resourcePath",
    "resource_id" : "$context.resourceId",
    "http_method" : "$context.httpMethod",
    "source_ip" : "$context.identity.sourceIp",
    "user-agent" : "$context.identity.userAgent",
    "account_id" : "$context.identity.accountId",
    "api_key" : "$context.identity.apiKey",
    "caller" : "$context.identity.caller",
    "user" : "$context.identity.user",
    "user_arn" : "$context.identity.userArn"
}`
	sameJSON(t, render(t, src, docRequest, "").Body, `{"stage":"prod","request_id":"abcdefg-000-000-0000-abcdefg","api_id":"abcd1234",
	"resource_path":"/","resource_id":"efg567","http_method":"GET","source_ip":"192.0.2.1","user-agent":"curl/7.84.0",
	"account_id":"111122223333","api_key":"MyTestKey","caller":"ABCD-0000-12345","user":"ABCD-0000-12345",
	"user_arn":"arn:aws:sts::111122223333:assumed-role/Admin/carlos-salazar"}`)
}

// The parameter mapping example of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#input-examples-mapping-templates
// (Example 2 of the variable examples page): every parameter, by type.
func TestDocAllParamsExample(t *testing.T) {
	src := `#set($allParams = $input.params())
{
  "params" : {
    #foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
    "$type" : {
      #foreach($paramName in $params.keySet())
      "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
      #if($foreach.hasNext),#end
      #end
    }
    #if($foreach.hasNext),#end
    #end
  }
}`
	sameJSON(t, render(t, src, docRequest, "").Body, `{"params":{"path":{"id":"abc"},"querystring":{"name":"Ann","q":"2"},
	"header":{"Header1":"header1Val","Header2":"header2Val","User-Agent":"curl\/7.84.0"}}}`)
}

// The $input examples of the reference page: params(x), json('$'),
// json('$.mykey') and the things example (id, count).
func TestDocInputExamples(t *testing.T) {
	got := render(t, "{\n    \"name\" : \"$input.params('name')\",\n    \"body\" : $input.json('$') \n}", docRequest, `{"a": [1, 2.5, "x"]}`).Body
	sameJSON(t, got, `{"name":"Ann","body":{"a":[1,2.5,"x"]}}`)
	got = render(t, "{\n    \"name\" : \"$input.params('name')\",\n    \"body\" : $input.json('$.mykey')  \n}", docRequest, `{"mykey": {"k": true}}`).Body
	sameJSON(t, got, `{"name":"Ann","body":{"k":true}}`)
	got = render(t, `{
    "id" : "$input.params('id')",
    "count" : "$input.path('$.things').size()",
    "things" : $input.json('$.things')
}`, docRequest, `{"things" : {"1" : {}, "2" : {}, "3" : {}}}`).Body
	sameJSON(t, got, `{"id":"abc","count":"3","things":{"1":{},"2":{},"3":{}}}`)
}

// The parseJson example of the $util table of the reference page.
func TestDocParseJSONExample(t *testing.T) {
	src := "#set ($errorMessageObj = $util.parseJson($input.path('$.errorMessage')))\n{\n   \"errorMessageObjKey2ArrVal\" : $errorMessageObj.key2.arr[0]\n}\n"
	got := render(t, src, docRequest, `{"errorMessage":"{\"key1\":\"var1\",\"key2\":{\"arr\":[1,2,3]}}"}`).Body
	sameJSON(t, got, `{"errorMessageObjKey2ArrVal": 1}`)
}

// The escapeJavaScript note of the reference page: single quotes come out
// escaped, and replaceAll("\\'","'") turns them back.
func TestDocEscapeJavaScriptExample(t *testing.T) {
	got := render(t, `$util.escapeJavaScript($input.path('$.s')) $util.escapeJavaScript($input.path('$.s')).replaceAll("\\'","'")`, docRequest, `{"s": "it's \"q\"/\u00e9\n"}`).Body
	want := `it\'s \"q\"\/\u00E9\n it's \"q\"\/\u00E9\n`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// The photos example (input and output mapping templates) of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/example-photos.html
func TestDocPhotosExample(t *testing.T) {
	original := `{"photos": {"page": 1, "pages": "1234", "perpage": 100, "total": "123398", "photo": [
	  {"id": "12345678901", "owner": "23456789@A12", "secret": "abc123d456", "server": "1234", "farm": 1, "title": "Sample photo 1", "ispublic": 1, "isfriend": 0, "isfamily": 0},
	  {"id": "23456789012", "owner": "34567890@B23", "secret": "bcd234e567", "server": "2345", "farm": 2, "title": "Sample photo 2", "ispublic": 1, "isfriend": 0, "isfamily": 0}]}}`
	input := `#set($inputRoot = $input.path('$'))
{
  "photos": {
    "page": $inputRoot.photos.page,
    "pages": "$inputRoot.photos.pages",
    "perpage": $inputRoot.photos.perpage,
    "total": "$inputRoot.photos.total",
    "photo": [
#foreach($elem in $inputRoot.photos.photo)
      {
        "id": "$elem.id",
        "owner": "$elem.owner",
        "secret": "$elem.secret",
        "server": "$elem.server",
        "farm": $elem.farm,
        "title": "$elem.title",
        "ispublic": $elem.ispublic,
        "isfriend": $elem.isfriend,
        "isfamily": $elem.isfamily
      }#if($foreach.hasNext),#end
			
#end
    ]
  }
}`
	sameJSON(t, render(t, input, docRequest, original).Body, original)
	output := `#set($inputRoot = $input.path('$'))
{
  "photos": [
#foreach($elem in $inputRoot.photos.photo)
    {
      "id": "$elem.id",
      "owner": "$elem.owner",
      "title": "$elem.title",
      "ispublic": $elem.ispublic,
      "isfriend": $elem.isfriend,
      "isfamily": $elem.isfamily
    }#if($foreach.hasNext),#end
		
#end
  ]
}`
	sameJSON(t, render(t, output, docRequest, original).Body, `{"photos": [
	  {"id": "12345678901", "owner": "23456789@A12", "title": "Sample photo 1", "ispublic": 1, "isfriend": 0, "isfamily": 0},
	  {"id": "23456789012", "owner": "34567890@B23", "title": "Sample photo 2", "ispublic": 1, "isfriend": 0, "isfamily": 0}]}`)
}

// The override tutorials of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html
func TestDocOverrideExamples(t *testing.T) {
	errBody := `{"errors": [{"key": "GetPetRequest.petId", "message": "The value is out of range."}]}`
	res := render(t, "#set($inputRoot = $input.path('$'))\n$input.json(\"$\")\n#if($inputRoot.toString().contains(\"error\"))\n#set($context.responseOverride.status = 400)\n#end\n", docRequest, errBody)
	if res.Status != 400 {
		t.Errorf("status override = %d, want 400", res.Status)
	}
	sameJSON(t, res.Body, errBody)
	res = render(t, "#set($header1Override = \"foo\")\n#set($header3Value = \"$input.params('header1')$input.params('header2')\")\n$input.json(\"$\")\n#set($context.requestOverride.header.header3 = $header3Value)\n#set($context.requestOverride.header.header1 = $header1Override)\n", docRequest, `{}`)
	if d := cmp.Diff(map[string]string{"header3": "header1Valheader2Val", "header1": "foo"}, res.RequestHeaders); d != "" {
		t.Errorf("request header overrides (-want +got):\n%s", d)
	}
}

// The $stageVariables syntaxes of the reference page.
func TestStageVariables(t *testing.T) {
	got := render(t, `$stageVariables.env $stageVariables['my-var'] ${stageVariables['env']}`, docRequest, "").Body
	if got != "test x test" {
		t.Errorf("got %q", got)
	}
}

func TestInput(t *testing.T) {
	tests := []struct{ name, src, body, want string }{
		{"empty body is {}", `$input.body|$input.json('$')|$input.path('$').size()`, "", "{}|{}|0"},
		{"raw body", `$input.body`, `{"a" : 1}`, `{"a" : 1}`},
		{"json compacts", `$input.json('$')`, "{\"a\" : [1, {\"b\": null}]}", `{"a":[1,{"b":null}]}`},
		{"json missing", `$input.json('$.nope')`, `{"a": 1}`, `""`},
		{"path missing", `[$input.path('$.nope')]`, `{"a": 1}`, `[]`},
		{"path of text", `$input.path('$').split('&').size() $input.path('$.a')`, "a=1&b=2", "2 "},
		{"json of text", `$input.json('$')`, "a=1", `"a=1"`},
		{"list renders as JSON", `$input.path('$.l')`, `{"l": [{"c": 5}, "x"]}`, `[{"c":5},"x"]`},
		{"map renders as Java", `$input.path('$')`, `{"a": 1, "b": [{"c": 5}], "m": {"k": "v"}}`, `{a=1, b=[{"c":5}], m={k=v}}`},
		{"index and bracket", `$input.path('$.a[1].b') $input.path("$['a'][0]['b']") $input.json('$.a[-1]')`, `{"a": [{"b": 1}, {"b": 2}]}`, `2 1 {"b":2}`},
		{"wildcards", `$input.json('$.a[*].b') $input.json('$.m.*') $input.json('$..b')`, `{"a": [{"b": 1}, {"b": 2}], "m": {"x": 1, "y": "z"}}`, `[1,2] [1,"z"] [1,2]`},
		{"numbers", `$input.path('$.i') $input.path('$.f') $input.path('$.big')`, `{"i": 3, "f": 2.5, "big": 1e20}`, `3 2.5 1.0E20`},
		{"params order", `$input.params('id') $input.params('name') $input.params('user-agent') [$input.params('none')]`, "", "abc Ann curl/7.84.0 []"},
		{"params header map", `$input.params().header.get('User-Agent') $input.params().querystring.q`, "", "curl/7.84.0 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, tc.src, docRequest, tc.body).Body; got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestUtil(t *testing.T) {
	tests := []struct{ src, want string }{
		{`$util.urlEncode("a b&c=d/é~*")`, "a+b%26c%3Dd%2F%C3%A9%7E*"},
		{`$util.urlDecode("a+b%26c%3Dd%2F%C3%A9")`, "a b&c=d/é"},
		{`$util.base64Encode("hello")`, "aGVsbG8="},
		{`$util.base64Decode("aGVsbG8=")`, "hello"},
		{`$util.escapeJavaScript("tab	bs\ 😀")`, `tab\tbs\\ \uD83D\uDE00`},
		{`$util.parseJson('{"b": 2, "a": [1]}').keySet()`, "[b, a]"},
		{`[$util.escapeJavaScript($nothing)]`, "[]"},
	}
	for _, tc := range tests {
		if got := render(t, tc.src, docRequest, "").Body; got != tc.want {
			t.Errorf("%s = %q, want %q", tc.src, got, tc.want)
		}
	}
}

// A template error is an error (API Gateway answers 500), never a panic.
func TestTemplateErrors(t *testing.T) {
	for _, src := range []string{`$input.json('nope')`, `$input.path('$.a[?(@.b)]')`, `$util.parseJson('{')`, `$util.urlDecode('%zz')`, `$util.base64Decode('***')`} {
		tpl, err := vtl.Parse("t", src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Render(tpl, docRequest, []byte(`{"a": 1}`)); err == nil {
			t.Errorf("%s rendered without an error", src)
		} else if !strings.Contains(err.Error(), "t: line 1, column ") {
			t.Errorf("%s: error without a position: %v", src, err)
		}
	}
}

func TestTemplatesCache(t *testing.T) {
	var c Templates
	a, err := c.Compile("application/json", "$x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Compile("application/json", "$x")
	if a != b {
		t.Error("the same template was parsed twice")
	}
	if _, err := c.Compile("application/json", "#if("); err == nil {
		t.Error("a bad template compiled")
	}
}

func TestSources(t *testing.T) {
	for src, want := range map[string]string{
		"'application/json'":                 "application/json",
		"stageVariables.env":                 "test",
		"context.requestId":                  "abcdefg-000-000-0000-abcdefg",
		"context.identity.sourceIp":          "192.0.2.1",
		"context.identity.cognitoIdentityId": "",
		"method.request.header.x":            "",
	} {
		got, ok := docRequest.Source(src)
		if got != want || ok != (want != "") {
			t.Errorf("Source(%q) = %q, %v; want %q", src, got, ok, want)
		}
	}
	body := []byte(`{"a": {"b": [1, "x"]}, "s": "t"}`)
	for path, want := range map[string]string{"": string(body), "s": "t", "a.b": `[1,"x"]`, "a.b[1]": "x", "nope": ""} {
		if got, _ := BodyValue(body, path); got != want {
			t.Errorf("BodyValue(%q) = %q, want %q", path, got, want)
		}
	}
}

// $context.authorizer.* as the reference page documents a Lambda
// authorizer's context: {"key": "value", "numKey": 1, "boolKey": true}
// reads "value", "1" and "true".
func TestAuthorizerContext(t *testing.T) {
	req := *docRequest
	req.Context.Authorizer = map[string]any{"principalId": "me", "key": "value", "numKey": float64(1), "boolKey": true,
		"claims": map[string]any{"sub": "abc", "scope": []string{"a", "b"}}}
	got := render(t, `$context.authorizer.principalId $context.authorizer.key $context.authorizer.numKey $context.authorizer.boolKey $context.authorizer.claims.sub $context.authorizer.claims.scope.size()`, &req, "").Body
	if got != "me value 1 true abc 2" {
		t.Errorf("got %q", got)
	}
}

// The PetStore data transformation tutorial linked from
// https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings.html:
// the GET integration response template and the POST request template
// (console and CloudFormation versions), with their documented outputs.
func TestDocPetStoreExamples(t *testing.T) {
	pets := `[{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "type": "cat", "price": 124.99}, {"id": 3, "type": "fish", "price": 0.99}]`
	get := "#set($inputRoot = $input.path('$'))\n[\n#foreach($elem in $inputRoot)\n  {\n    \"description\" : \"Item $elem.id is a $elem.type.\",\n    \"askingPrice\" : $elem.price\n  }#if($foreach.hasNext),#end\n\n#end\n]\n"
	sameJSON(t, render(t, get, docRequest, pets).Body, `[{"description": "Item 1 is a dog.", "askingPrice": 249.99},
	  {"description": "Item 2 is a cat.", "askingPrice": 124.99}, {"description": "Item 3 is a fish.", "askingPrice": 0.99}]`)
	post := "{\"TableName\":\"data-transformation-tutorial-complete\",\"Item\":{\"id\":{\"N\":$input.json(\"$.id\")},\"type\":{\"S\":$input.json(\"$.type\")},\"price\":{\"N\":$input.json(\"$.price\")} }}"
	sameJSON(t, render(t, post, docRequest, `{"id": "4", "type" : "dog", "price": "321"}`).Body,
		`{"TableName":"data-transformation-tutorial-complete","Item":{"id":{"N":"4"},"type":{"S":"dog"},"price":{"N":"321"}}}`)
	recorded := render(t, `{ "message" : "Your response was recorded at $context.requestTime" }`, &Request{Context: Context{RequestTime: "25/Nov/2026:10:00:00 +0000"}}, "").Body
	sameJSON(t, recorded, `{"message": "Your response was recorded at 25/Nov/2026:10:00:00 +0000"}`)
}
