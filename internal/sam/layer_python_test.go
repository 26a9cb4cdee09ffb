package sam

import (
	"testing"
)

// TestLayersMatchPythonTranslator: AWS::Serverless::LayerVersion (hashed
// logical ID, LayerName default, RetentionPolicy, ContentUri forms) and
// the references to it (Layers: !Ref, GetAtt, Sub, DependsOn, Outputs,
// AutoPublishAlias with PublishLambdaVersion) come out as the installed
// samtranslator makes them, errors included.
func TestLayersMatchPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	layer := func(extra map[string]any) map[string]any {
		p := map[string]any{"ContentUri": "s3://bucket/layer.zip"}
		for k, v := range extra {
			p[k] = v
		}
		return map[string]any{"Type": "AWS::Serverless::LayerVersion", "Properties": p}
	}
	fn := func(extra map[string]any) map[string]any {
		p := map[string]any{"CodeUri": "s3://bucket/code.zip", "Handler": "app.handler", "Runtime": "python3.12",
			"Layers": []any{map[string]any{"Ref": "Libs"}}}
		for k, v := range extra {
			p[k] = v
		}
		return map[string]any{"Type": "AWS::Serverless::Function", "Properties": p}
	}
	tpl := func(res map[string]any, outputs map[string]any) map[string]any {
		t := map[string]any{"Transform": "AWS::Serverless-2016-10-31", "Resources": res,
			"Parameters": map[string]any{"Name": map[string]any{"Type": "String", "Default": "shared-libs"},
				"Keep": map[string]any{"Type": "String", "Default": "Delete"}}}
		if outputs != nil {
			t["Outputs"] = outputs
		}
		return t
	}
	cases := map[string]map[string]any{
		"basic": tpl(map[string]any{"Libs": layer(nil), "Fn": fn(nil)}, map[string]any{
			"L": map[string]any{"Value": map[string]any{"Ref": "Libs"}},
			"S": map[string]any{"Value": map[string]any{"Fn::Sub": "layer ${Libs}"}},
		}),
		"all properties": tpl(map[string]any{"Libs": layer(map[string]any{"LayerName": map[string]any{"Ref": "Name"},
			"Description": "d", "CompatibleRuntimes": []any{"python3.12", "nodejs20.x"}, "CompatibleArchitectures": []any{"arm64"},
			"LicenseInfo": "MIT", "RetentionPolicy": "delete", "ContentUri": map[string]any{"Bucket": "b", "Key": "k", "Version": "v1"}}),
			"Fn": fn(nil)}, nil),
		"condition depends": map[string]any{"Transform": "AWS::Serverless-2016-10-31",
			"Conditions": map[string]any{"On": map[string]any{"Fn::Equals": []any{"a", "a"}}},
			"Resources": map[string]any{
				"Libs": func() map[string]any {
					l := layer(nil)
					l["Condition"] = "On"
					l["DependsOn"] = "Other"
					return l
				}(),
				"Other": map[string]any{"Type": "AWS::SNS::Topic"},
				"Fn":    func() map[string]any { f := fn(nil); f["DependsOn"] = []any{"Libs"}; return f }(),
			}},
		"retention param": tpl(map[string]any{"Libs": layer(map[string]any{"RetentionPolicy": map[string]any{"Ref": "Keep"}}), "Fn": fn(nil)}, nil),
		"version versioned by layer": tpl(map[string]any{"Libs": layer(map[string]any{"PublishLambdaVersion": true}),
			"Fn": fn(map[string]any{"AutoPublishAlias": "live", "AutoPublishAliasAllProperties": true})}, nil),
		"retention bad":       tpl(map[string]any{"Libs": layer(map[string]any{"RetentionPolicy": "Keep"})}, nil),
		"retention intrinsic": tpl(map[string]any{"Libs": layer(map[string]any{"RetentionPolicy": map[string]any{"Fn::Sub": "x"}})}, nil),
		"bad uri":             tpl(map[string]any{"Libs": layer(map[string]any{"ContentUri": "layer/"})}, nil),
		"bad arch":            tpl(map[string]any{"Libs": layer(map[string]any{"CompatibleArchitectures": []any{"x86"}})}, nil),
	}
	comparePython(t, py, casesOf(cases), Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "s",
		Parameters: map[string]string{}}, sameTemplate)
}
