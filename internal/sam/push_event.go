package sam

import (
	"fmt"
	"slices"
)

// Push event sources of functions besides Api and HttpApi
// (samtranslator/model/eventsources/push.py): a Lambda permission for the
// source service and, for S3, the bucket's notification configuration.
// iamgate's S3 accepts the configuration and does not deliver notifications;
// the CLI says so at deploy.

// permissionID is {Fn}{Event}Permission (the translator's empty suffix).
func permissionID(fid, eid string) string { return fid + eid + "Permission" }

// alexaSkillEvent lets the Alexa Skills Kit invoke the function, restricted
// to SkillId when given.
func (x *translator) alexaSkillEvent(fid, eid string, ep, attrs map[string]any) resource {
	perm := newResource(permissionID(fid, eid), "AWS::Lambda::Permission", attrs)
	perm.set("Action", "lambda:InvokeFunction")
	perm.set("FunctionName", x.target(fid).name())
	perm.set("Principal", "alexa-appkit.amazon.com")
	perm.set("EventSourceToken", ep["SkillId"])
	return perm
}

// s3Event lets S3 invoke the function for the bucket's own account and adds
// one LambdaConfigurations entry per event type to the bucket (an
// AWS::S3::Bucket of this template), which then depends on the permission:
// S3 checks that it may invoke the function when the configuration is set.
func (x *translator) s3Event(fid, eid string, ep, attrs map[string]any, cond string) (resource, *samError) {
	for _, k := range []string{"Bucket", "Events"} {
		if ep[k] == nil {
			return resource{}, resourceError(fid+eid, fmt.Sprintf("Missing required property '%s'.", k))
		}
	}
	bref, _ := ep["Bucket"].(map[string]any)
	rawID, isRef := bref["Ref"]
	if isRef {
		if _, ok := rawID.(string); !ok {
			return resource{}, eventError(fid, eid, "'Ref' value in S3 events is not a valid string.")
		}
	}
	bid, _ := rawID.(string)
	bucket, ok := x.res[bid].(map[string]any)
	if !isRef || !ok {
		return resource{}, eventError(fid, eid, "S3 events must reference an S3 bucket in the same template.")
	}
	perm := newResource(permissionID(fid, eid), "AWS::Lambda::Permission", attrs)
	perm.set("Action", "lambda:InvokeFunction")
	perm.set("FunctionName", x.target(fid).name())
	perm.set("Principal", "s3.amazonaws.com")
	perm.set("SourceAccount", ref("AWS::AccountId"))
	var err *samError
	if c, has := perm.attrs["Condition"]; has && c != nil {
		err = dependOnTag(bucket, bid, perm.id, c)
	} else {
		err = dependOn(bucket, fid+eid, perm.id)
	}
	if err != nil {
		return resource{}, err
	}
	if err := x.addNotifications(bucket, bid, fid, ep, cond); err != nil {
		return resource{}, err
	}
	return perm, nil
}

// dependOn adds id to the bucket's DependsOn.
func dependOn(bucket map[string]any, event, id string) *samError {
	var deps []any
	switch d := bucket["DependsOn"].(type) {
	case nil:
	case string:
		deps = []any{d}
	case []any:
		for _, e := range d {
			if _, ok := e.(string); !ok {
				return resourceError(event, "Invalid type for field 'DependsOn'. Expected a string or list of strings.")
			}
		}
		deps = d
	default:
		return resourceError(event, "Invalid type for field 'DependsOn'. Expected a string or list of strings.")
	}
	if !slices.Contains(deps, any(id)) {
		deps = append(deps, id)
	}
	bucket["DependsOn"] = deps
	return nil
}

// dependOnTag makes a conditional dependency: DependsOn cannot be
// conditional, so the translator adds a tag whose value Refs the permission
// under its condition.
func dependOnTag(bucket map[string]any, bid, id string, cond any) *samError {
	p := props(bucket)
	var tags []any
	switch t := p["Tags"].(type) {
	case nil:
	case []any:
		tags = t
	default:
		return resourceError(bid, "Property 'Tags' should be a list.")
	}
	p["Tags"] = append(tags, map[string]any{
		"Key":   "sam:ConditionalDependsOn:" + id,
		"Value": map[string]any{"Fn::If": []any{cond, ref(id), "no dependency"}},
	})
	return nil
}

// addNotifications merges the event's LambdaConfigurations into the bucket's
// NotificationConfiguration, skipping entries already there.
func (x *translator) addNotifications(bucket map[string]any, bid, fid string, ep map[string]any, cond string) *samError {
	var types []any
	switch e := ep["Events"].(type) {
	case string:
		types = []any{e}
	case []any:
		types = e
	default:
		types = []any{e}
	}
	raw, has := bucket["Properties"]
	if has && raw != nil {
		if _, ok := raw.(map[string]any); !ok {
			return resourceError(bid, "Properties should be a map.")
		}
	}
	p := props(bucket)
	nc, _ := p["NotificationConfiguration"].(map[string]any)
	if v := p["NotificationConfiguration"]; v != nil && nc == nil {
		return resourceError(bid, "Property 'NotificationConfiguration' should be a map.")
	}
	if nc == nil {
		nc = map[string]any{}
		p["NotificationConfiguration"] = nc
	}
	var list []any
	switch l := nc["LambdaConfigurations"].(type) {
	case nil:
	case []any:
		list = l
	default:
		return resourceError(bid, "Invalid type for LambdaConfigurations. Must be a list.")
	}
	for _, typ := range types {
		var entry any = map[string]any{"Function": x.target(fid).arn(), "Event": typ}
		if f, has := ep["Filter"]; has && f != nil {
			entry.(map[string]any)["Filter"] = deepCopy(f)
		}
		if cond != "" {
			entry = makeConditional(cond, entry)
		}
		if !containsValue(list, entry) {
			list = append(list, entry)
		}
	}
	nc["LambdaConfigurations"] = list
	return nil
}
