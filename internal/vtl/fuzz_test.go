package vtl

import (
	"errors"
	"testing"
)

// FuzzTemplate: any text parses or fails with a positioned *Error, and
// any parsed template runs to an end within its limits without panicking.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"", "plain", "$a $!b ${c} $!{d.e}", `\$a \\$a \#if`, "#set($x = 1 + 2 * 3)$x",
		"#if($a)x#elseif($b)y#{else}z#end", "#foreach($i in [1..3])$i#if($foreach.hasNext),#end#end",
		`#set($m = {"k": [1, 2.5, 'x', true]})$m.k[0] $m.get("k").size()`,
		"#define($d)$d#end$d", "## c\n#* b *##[[raw]]#", `"$a.b('c', "d$e")"`,
		"#foreach($x in $l)#break#end#stop", "$s.replaceAll('(a+)', '$1').split(',')",
		"#set($a-b = -1)$a-b", "#set($x = !$y && ($z || 1 lt 2))", "#{if}(1 == 1.0)ok#{end}",
		"#set($x = 1.5E3 / 0)$x.intValue()",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := Parse("f", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Fatalf("Parse(%q) error without a position: %v", src, err)
			}
			return
		}
		vars := map[string]any{"a": "A", "l": NewList(int64(1), "x"), "m": NewMap(), "s": "a,b", "o": fakeObject{}}
		out, err := tpl.Execute(vars, Options{MaxSteps: 20000, MaxOutput: 1 << 16})
		if len(out) > 1<<16 {
			t.Fatalf("output of %d bytes past the limit", len(out))
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Execute(%q) error without a position: %v", src, err)
			}
		}
	})
}

func TestSelfContainingList(t *testing.T) {
	tpl, err := Parse("t", "#set($l = [])#set($ok = $l.add($l))#set($ok = $l.add($l))#set($ok = $l.add($l))$l#if($l == $l)eq#end")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Execute(nil, Options{MaxOutput: 1 << 16})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
}
