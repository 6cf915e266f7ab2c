package app

import (
	"context"
	"slices"
	"testing"

	"github.com/tsuzuri/tsuzuri/diary"
)

func TestRelated(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()
	save := func(title, body, date string) diary.Entry {
		t.Helper()
		e, err := s.SaveEntry(ctx, EntryInput{Title: title, Body: body, Date: date})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	pm := save("決済APIのポストモーテム", "コネクションプールが枯渇して決済が止まった。", "2025-01-10")
	older := save("決済の遅延", "決済サービスのコネクションプールを増やした。", "2024-11-02")
	trashed := save("決済の障害メモ", "コネクションプールの監視を足す。", "2024-10-01")
	save("週末の登山", "高尾山に登った。", "2025-02-01")
	if err := s.TrashEntry(ctx, trashed.ID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		req  RelatedRequest
		want []string
		code string
	}{
		{name: "an entry as saved, by id", req: RelatedRequest{ID: pm.ID}, want: []string{older.ID}},
		{name: "the text being typed, its own id left out", req: RelatedRequest{ID: older.ID, Title: "決済のポストモーテム", Body: "コネクションプール"}, want: []string{pm.ID}},
		{name: "a new entry's text", req: RelatedRequest{Body: "コネクションプールと決済"}, want: []string{pm.ID, older.ID}},
		{name: "too little text", req: RelatedRequest{Body: "決済"}, want: []string{}},
		{name: "an id that names no entry", req: RelatedRequest{ID: "no-such-entry"}, code: diary.ENotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Related(ctx, tt.req)
			if tt.code != "" {
				if diary.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want code %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ids := []string{}
			for _, r := range got {
				ids = append(ids, r.ID)
				if r.Title == "" || r.Date == "" || len(r.Shared) == 0 {
					t.Errorf("%+v lacks its title, date or shared words", r)
				}
			}
			slices.Sort(ids)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(ids, want) {
				t.Errorf("related = %v, want %v", ids, want)
			}
		})
	}
	got, _ := s.Related(ctx, RelatedRequest{ID: pm.ID})
	if len(got) == 1 && (got[0].Title != "決済の遅延" || !slices.Contains(got[0].Shared, "コネクションプール")) {
		t.Errorf("related entry = %+v, want its title and コネクションプール among the shared words", got[0])
	}
}
