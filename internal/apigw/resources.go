package apigw

import "sort"

// assignIDs gives each resource of next an id: the id of the resource with
// the same path in prev when there is one (so redeploying an unchanged API
// keeps its resource ids), else a fresh one; the root's is 10 characters
// long like AWS's, the others 6. Parent ids follow.
func assignIDs(prev, next []Resource) []Resource {
	old := map[string]string{}
	for _, r := range prev {
		old[r.Path] = r.ID
	}
	out := make([]Resource, len(next))
	byPath := map[string]string{}
	for i, r := range next {
		r.ID = old[r.Path]
		if r.ID == "" {
			n := 6
			if r.Path == "/" {
				n = 10
			}
			r.ID = NewID(n)
		}
		byPath[r.Path] = r.ID
		out[i] = r
	}
	for i := range out {
		if out[i].Path != "/" {
			out[i].ParentID = byPath[parentPath(out[i].Path)]
		}
	}
	return out
}

// mergeResources adds next's resources and methods to prev's; a method
// defined in both takes next's definition.
func mergeResources(prev, next []Resource) []Resource {
	byPath := map[string]*Resource{}
	var order []string
	for _, list := range [][]Resource{prev, next} {
		for _, r := range list {
			cur, ok := byPath[r.Path]
			if !ok {
				c := r
				c.Methods = map[string]*Method{}
				cur = &c
				byPath[r.Path] = cur
				order = append(order, r.Path)
			}
			for k, m := range r.Methods {
				cur.Methods[k] = m
			}
		}
	}
	sort.Strings(order)
	out := make([]Resource, 0, len(order))
	for _, p := range order {
		out = append(out, *byPath[p])
	}
	return out
}

func rootID(rs []Resource) string {
	for _, r := range rs {
		if r.Path == "/" {
			return r.ID
		}
	}
	return ""
}

func hasMethods(rs []Resource) bool {
	for _, r := range rs {
		if len(r.Methods) > 0 {
			return true
		}
	}
	return false
}
