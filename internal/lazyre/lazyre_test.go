package lazyre

import "testing"

func TestCompiledOnceOnFirstUse(t *testing.T) {
	re := New(`^\+CSQ: (\d+),(\d+)$`)
	first := re()
	if first != re() {
		t.Fatal("a second call compiled the expression again")
	}
	if m := first.FindStringSubmatch("+CSQ: 19,99"); len(m) != 3 || m[1] != "19" {
		t.Fatalf("match %q", m)
	}
}

func TestBadExpressionPanicsOnFirstUse(t *testing.T) {
	re := New(`(`) // no panic yet: nothing compiled
	defer func() {
		if recover() == nil {
			t.Fatal("a bad expression did not panic when first used")
		}
	}()
	re()
}
