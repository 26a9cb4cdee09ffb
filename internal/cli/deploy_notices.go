package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/cfn"
)

// bucketNotificationNotice tells, before deploying, that the template's S3
// event notifications (a bucket's NotificationConfiguration, or a SAM
// function's S3 event, which becomes one) are accepted and not delivered:
// iamgate's S3 stores objects but sends no events, so the functions are not
// invoked. Empty when the template has none.
func bucketNotificationNotice(name string, body []byte) string {
	t, err := cfn.Parse(name, body)
	if err != nil {
		return "" // the change set reports the template's errors
	}
	res, _ := t.Root["Resources"].(map[string]any)
	buckets := map[string]bool{}
	for id, r := range res {
		rm, _ := r.(map[string]any)
		p, _ := rm["Properties"].(map[string]any)
		switch rm["Type"] {
		case "AWS::S3::Bucket":
			if p["NotificationConfiguration"] != nil {
				buckets[id] = true
			}
		case "AWS::Serverless::Function":
			events, _ := p["Events"].(map[string]any)
			for _, ev := range events {
				em, _ := ev.(map[string]any)
				if em["Type"] != "S3" {
					continue
				}
				ep, _ := em["Properties"].(map[string]any)
				b, _ := ep["Bucket"].(map[string]any)
				if s, ok := b["Ref"].(string); ok {
					buckets[s] = true
				}
			}
		}
	}
	if len(buckets) == 0 {
		return ""
	}
	return fmt.Sprintf("notice: S3 event notifications of %s are accepted but not delivered: iamgate's S3 does not send events, so no function is invoked on object changes",
		strings.Join(slices.Sorted(maps.Keys(buckets)), ", "))
}
