package app

import (
	"context"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
)

// History lists an entry's earlier versions, newest first.
func (s *Service) History(ctx context.Context, id string) ([]storage.RevisionInfo, error) {
	return s.store.Revisions(ctx, id)
}

// Revision returns one earlier version of an entry with its text.
func (s *Service) Revision(ctx context.Context, id string, number int) (storage.Revision, error) {
	return s.store.Revision(ctx, id, number)
}

// RestoreRevision makes an earlier version the current text; the text it
// replaces becomes a revision of its own, so a restore can be undone.
func (s *Service) RestoreRevision(ctx context.Context, id string, number int) (diary.Entry, error) {
	e, err := s.store.RestoreRevision(ctx, id, number)
	if err != nil {
		return diary.Entry{}, err
	}
	s.afterWrite(ctx)
	return e, nil
}

// PruneRevisions applies the retention policy to entries nobody has
// edited lately (saves prune the entry they touch) and says how many
// revisions it deleted.
func (s *Service) PruneRevisions(ctx context.Context) (int, error) {
	return s.store.PruneRevisions(ctx)
}

// pruneOldRevisions is PruneRevisions at open: a failure costs only disk
// space, so it is logged and the folder opens.
func (s *Service) pruneOldRevisions(ctx context.Context) {
	n, err := s.PruneRevisions(ctx)
	if err != nil {
		s.log.Warn("prune old revisions; the next start tries again", "err", err)
		return
	}
	if n > 0 {
		s.log.Info("pruned old revisions", "deleted", n)
	}
}
