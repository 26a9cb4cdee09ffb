package sam

import (
	"fmt"
	"maps"
	"slices"
)

// AWS::Serverless::SimpleTable, as SamSimpleTable expands it: an
// AWS::DynamoDB::Table keyed by PrimaryKey (default id, a String) on demand
// unless ProvisionedThroughput says otherwise. iamgate does not serve
// DynamoDB: a template with one fails at change-set creation naming
// AWS::DynamoDB::Table, as it would with the table written out.

const typeSimpleTable = "AWS::Serverless::SimpleTable"

var simpleTableProps = []string{"PointInTimeRecoverySpecification", "PrimaryKey", "ProvisionedThroughput", "TableName", "Tags", "SSESpecification"}

var attributeTypes = map[string]string{"String": "S", "Number": "N", "Binary": "B"}

func (x *translator) translateSimpleTable(id string, r map[string]any) ([]resource, *samError) {
	p := props(r)
	for _, k := range slices.Sorted(maps.Keys(p)) {
		if !slices.Contains(simpleTableProps, k) {
			return nil, resourceError(id, fmt.Sprintf("property %s not defined for resource of type %s", k, typeSimpleTable))
		}
	}
	for _, k := range []string{"PrimaryKey", "ProvisionedThroughput", "Tags", "SSESpecification"} {
		if v, has := p[k]; has && v != nil {
			if _, ok := v.(map[string]any); !ok {
				return nil, resourceError(id, fmt.Sprintf("Type of property '%s' is invalid.", k))
			}
		}
	}
	table := newResource(id, "AWS::DynamoDB::Table", pickAttrs(r, resourceAttrs))
	key := map[string]any{"AttributeName": "id", "AttributeType": "S"}
	if pk, ok := p["PrimaryKey"].(map[string]any); ok && len(pk) > 0 {
		for _, k := range []string{"Name", "Type"} {
			if pk[k] == nil {
				return nil, resourceError(id, fmt.Sprintf("Property 'PrimaryKey.%s' is required.", k))
			}
		}
		typ, ok := attributeTypes[pyStr(pk["Type"])]
		if !ok {
			return nil, resourceError(id, fmt.Sprintf("Invalid 'Type' \"%s\".", pyStr(pk["Type"])))
		}
		key = map[string]any{"AttributeName": pk["Name"], "AttributeType": typ}
	}
	table.set("AttributeDefinitions", []any{key})
	table.set("KeySchema", []any{map[string]any{"AttributeName": key["AttributeName"], "KeyType": "HASH"}})
	if truthy(p["PointInTimeRecoverySpecification"]) {
		table.set("PointInTimeRecoverySpecification", p["PointInTimeRecoverySpecification"])
	}
	if truthy(p["ProvisionedThroughput"]) {
		table.set("ProvisionedThroughput", p["ProvisionedThroughput"])
	} else {
		table.set("BillingMode", "PAY_PER_REQUEST")
	}
	if truthy(p["SSESpecification"]) {
		table.set("SSESpecification", p["SSESpecification"])
	}
	if truthy(p["TableName"]) {
		table.set("TableName", p["TableName"])
	}
	if tags, ok := p["Tags"].(map[string]any); ok && len(tags) > 0 {
		table.set("Tags", tagList(tags))
	}
	return []resource{table}, nil
}
