package cfn

import "strings"

// WithRoot returns a template over a new root (for example the output of the
// SAM transform) that keeps this template's positions, so errors about
// generated resources still point into the source file.
func (t *Template) WithRoot(root map[string]any) *Template {
	n := &Template{File: t.File, Root: root, pos: make(map[string]Pos, len(t.pos))}
	for k, v := range t.pos {
		n.pos[k] = v
	}
	return n
}

// SetPos records the source position of the node at path (used when a value
// is generated from, or included at, another place).
func (t *Template) SetPos(path []string, p Pos) {
	t.pos[strings.Join(path, "/")] = p
}

// Graft copies the positions of src (an included file, say) under path.
func (t *Template) Graft(path []string, src *Template) {
	prefix := strings.Join(path, "/")
	for k, v := range src.pos {
		if k == "" {
			t.pos[prefix] = v
			continue
		}
		t.pos[prefix+"/"+k] = v
	}
}
