package cli

import (
	"context"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// up watches the template's folder (and any local CodeUri, ContentUri or
// DefinitionUri outside it) and redeploys when a file changes, as SAM CLI's
// users have asked of `sam local` for years. Polling file sizes and
// modification times needs no OS notification API and sees edits made
// through editors that replace files.

// skipDirs are folders whose changes are not the application's.
var skipDirs = map[string]bool{".git": true, ".aws-sam": true, "node_modules": true, "__pycache__": true, ".iamgate": true, ".venv": true}

type stamp struct {
	size int64
	mod  time.Time
}

// watcher finds changed files under its roots.
type watcher struct {
	roots   []string
	exclude []string // absolute paths never looked into (the data dir)
	last    map[string]stamp
}

// localURI matches a template's local artifact paths.
var localURI = regexp.MustCompile(`(?m)^\s*(?:CodeUri|ContentUri|DefinitionUri)\s*:\s*["']?([^"'\s#]+)`)

// newWatcher watches dir and the local artifact folders the template
// names outside it.
func newWatcher(tmpl string, body []byte, exclude ...string) *watcher {
	dir, _ := filepath.Abs(filepath.Dir(tmpl))
	w := &watcher{roots: []string{dir}}
	for _, m := range localURI.FindAllSubmatch(body, -1) {
		p := string(m[1])
		if strings.Contains(p, "://") {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
			continue
		}
		if !slices.Contains(w.roots, p) {
			w.roots = append(w.roots, p)
		}
	}
	for _, e := range exclude {
		if a, err := filepath.Abs(e); err == nil {
			w.exclude = append(w.exclude, a)
		}
	}
	w.last = w.scan()
	return w
}

func (w *watcher) scan() map[string]stamp {
	m := map[string]stamp{}
	for _, root := range w.roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if p != root && (skipDirs[d.Name()] || slices.Contains(w.exclude, p)) {
					return filepath.SkipDir
				}
				return nil
			}
			if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
				m[p] = stamp{size: info.Size(), mod: info.ModTime()}
			}
			return nil
		})
	}
	return m
}

// changed returns the files added, removed or modified since the last
// call, relative to the first root where they are under it.
func (w *watcher) changed() []string {
	now := w.scan()
	var out []string
	for p, s := range now {
		if old, ok := w.last[p]; !ok || old != s {
			out = append(out, w.rel(p))
		}
	}
	for p := range w.last {
		if _, ok := now[p]; !ok {
			out = append(out, w.rel(p))
		}
	}
	w.last = now
	slices.Sort(out)
	return out
}

func (w *watcher) rel(p string) string {
	if r, err := filepath.Rel(w.roots[0], p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// watch calls redeploy with the changed files each time files change and
// then stay unchanged for one interval (an editor's save is often several
// writes), until ctx ends.
func (w *watcher) watch(ctx context.Context, interval time.Duration, redeploy func(ctx context.Context, changed []string)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var pending []string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c := w.changed()
		if len(c) > 0 {
			pending = mergeSorted(pending, c)
			continue
		}
		if len(pending) > 0 {
			redeploy(ctx, pending)
			pending = nil
			w.last = w.scan() // what the deploy itself wrote is not a change
		}
	}
}

func mergeSorted(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}
