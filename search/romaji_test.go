package search

import "testing"

func TestRomajiToKana(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"shougai", "しょうがい", true},
		{"syougai", "しょうがい", true},
		{"kunren", "くんれん", true},
		{"bekitou", "べきとう", true},
		{"kitte", "きって", true},
		{"konnichiha", "こんにちは", true},
		{"kanri", "かんり", true},
		{"tenin", "てにん", true},
		{"kubernetes", "", false}, // "b" then "e" reads, but "rn" does not
		{"sql", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := romajiToKana(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("romajiToKana(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
