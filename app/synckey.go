package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

// An encrypted sync folder (see syncfolder/crypt.go). The data key is
// kept here in localKeyFile, inside the data folder, which is never
// synced; the folder holds it only wrapped by the passphrase.
//
// A passphrase changed on one computer re-wraps the same data key, so the
// others keep syncing with the key they hold. Each notices that the key
// file is not the one it last unlocked (syncKeyStampKey) and asks once for
// the new passphrase, so that the person knows it before they need it to
// join another computer; typing it records the new key file as known.

const (
	localKeyFile     = "sync.key"
	syncEncryptedKey = "encrypted" // "1" while the folder is encrypted
	syncKeyStampKey  = "key_stamp" // the key file as last unlocked here
)

// SyncSetup is what turning sync on asks for.
type SyncSetup struct {
	Folder string `json:"folder"`
	// Encrypt makes a new folder encrypted. A folder that already is
	// encrypted always stays so, and then Passphrase is its passphrase.
	Encrypt    bool   `json:"encrypt"`
	Passphrase string `json:"passphrase"`
}

func (s *Service) localKeyPath() string { return filepath.Join(s.dir, localKeyFile) }

// passphraseNeeded is the error a person answers by typing the folder's
// passphrase.
func passphraseNeeded() error {
	return diary.Errorf(diary.EPassphrase, "This sync folder is encrypted: enter its passphrase to join it.")
}

func wrongPassphrase() error {
	return diary.Errorf(diary.EPassphrase, "That passphrase does not open this sync folder. Nothing was changed.")
}

// folderKey decides, before anything changes, which key a folder is
// synced with: the folder's own (unlocked with the passphrase), a new one
// (Encrypt on a folder that is not encrypted yet), or none.
func folderKey(folder string, setup SyncSetup) (key *syncfolder.Key, stamp string, create bool, err error) {
	encrypted, err := syncfolder.Encrypted(folder)
	if err != nil {
		return nil, "", false, diary.Errorf(diary.EInvalid, "%v", err)
	}
	switch {
	case encrypted && setup.Passphrase == "":
		return nil, "", false, passphraseNeeded()
	case encrypted:
		key, stamp, err := syncfolder.UnlockKeyFile(folder, setup.Passphrase)
		if errors.Is(err, syncfolder.ErrWrongPassphrase) {
			return nil, "", false, wrongPassphrase()
		}
		if err != nil {
			return nil, "", false, diary.Errorf(diary.EInvalid, "The sync folder's key file cannot be read: %v", err)
		}
		return key, stamp, false, nil
	case !setup.Encrypt:
		return nil, "", false, nil
	case setup.Passphrase == "":
		return nil, "", false, diary.Errorf(diary.EInvalid, "Choose a passphrase to encrypt the sync folder.")
	}
	devices, _, err := syncfolder.Devices(folder)
	if err != nil {
		return nil, "", false, diary.Errorf(diary.EInvalid, "%v", err)
	}
	if len(devices) > 0 {
		// What is there stays readable whatever is written next.
		return nil, "", false, diary.Errorf(diary.EInvalid, "This folder already holds unencrypted sync files. Choose an empty folder for encrypted sync.")
	}
	key, err = syncfolder.NewKey()
	return key, "", true, err
}

// keepKey makes key the one this diary syncs with (nil: the folder is
// not encrypted), here and in the settings.
func (s *Service) keepKey(ctx context.Context, key *syncfolder.Key, stamp string) error {
	if key == nil {
		if err := os.Remove(s.localKeyPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		s.setCachedKey(nil)
		if err := s.store.SetSyncSetting(ctx, syncKeyStampKey, ""); err != nil {
			return err
		}
		return s.store.SetSyncSetting(ctx, syncEncryptedKey, "")
	}
	if err := syncfolder.SaveLocalKey(s.localKeyPath(), key); err != nil {
		return err
	}
	s.setCachedKey(key)
	if err := s.store.SetSyncSetting(ctx, syncKeyStampKey, stamp); err != nil {
		return err
	}
	return s.store.SetSyncSetting(ctx, syncEncryptedKey, "1")
}

func (s *Service) setCachedKey(key *syncfolder.Key) {
	s.folderSync.mu.Lock()
	s.folderSync.key = key
	s.folderSync.mu.Unlock()
}

// syncKey is the key a pass uses: nil for a plain folder. A plain diary
// whose folder became encrypted elsewhere stops, rather than writing
// plain files into it.
func (s *Service) syncKey(ctx context.Context, folder string) (*syncfolder.Key, error) {
	on, err := s.store.SyncSetting(ctx, syncEncryptedKey)
	if err != nil {
		return nil, err
	}
	if on != "1" {
		if encrypted, err := syncfolder.Encrypted(folder); err != nil || encrypted {
			return nil, diary.Errorf(diary.EPassphrase, "The sync folder was encrypted on another computer: enter its passphrase to keep syncing. Nothing was sent or received.")
		}
		return nil, nil
	}
	s.folderSync.mu.Lock()
	key := s.folderSync.key
	s.folderSync.mu.Unlock()
	if key != nil {
		return key, nil
	}
	key, err = syncfolder.LoadLocalKey(s.localKeyPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, diary.Errorf(diary.EPassphrase, "This computer's copy of the sync key is gone: enter the folder's passphrase again. Nothing was sent or received.")
	}
	if err != nil {
		return nil, diary.Errorf(diary.EInvalid, "%v", err)
	}
	s.setCachedKey(key)
	return key, nil
}

// UnlockSync takes the folder's passphrase after it was changed on another
// computer (or after this computer's copy of the key was lost). A wrong
// one changes nothing.
func (s *Service) UnlockSync(ctx context.Context, passphrase string) (SyncStatus, error) {
	folder, err := s.syncFolderPath(ctx)
	if err != nil {
		return SyncStatus{}, err
	}
	key, stamp, _, err := folderKey(folder, SyncSetup{Passphrase: passphrase})
	if err != nil {
		return SyncStatus{}, err
	}
	if key == nil {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder is not encrypted: there is no passphrase to enter.")
	}
	if held, err := syncfolder.LoadLocalKey(s.localKeyPath()); err == nil && !held.Equal(key) {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder now holds another diary's key. Nothing was changed; choose another folder, or move this diary's sync there.")
	}
	if err := s.keepKey(ctx, key, stamp); err != nil {
		return SyncStatus{}, err
	}
	return s.SyncStatus(ctx)
}

// ChangeSyncPassphrase re-wraps the folder's data key with a new
// passphrase; the files in the folder stay as they are.
func (s *Service) ChangeSyncPassphrase(ctx context.Context, current, next string) (SyncStatus, error) {
	folder, err := s.syncFolderPath(ctx)
	if err != nil {
		return SyncStatus{}, err
	}
	if current == "" {
		return SyncStatus{}, diary.Errorf(diary.EPassphrase, "Enter the current passphrase to change it.")
	}
	if next == "" {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "Choose a new passphrase.")
	}
	held, err := s.syncKey(ctx, folder)
	if err != nil {
		return SyncStatus{}, err
	}
	if held == nil {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder is not encrypted: there is no passphrase to change.")
	}
	key, _, _, err := folderKey(folder, SyncSetup{Passphrase: current})
	if err != nil {
		return SyncStatus{}, err
	}
	if !key.Equal(held) {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder now holds another diary's key. Nothing was changed.")
	}
	if err := syncfolder.WriteKeyFile(folder, key, next); err != nil {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The new passphrase could not be written to the sync folder: %v", err)
	}
	stamp, err := syncfolder.KeyFileStamp(folder)
	if err != nil {
		return SyncStatus{}, err
	}
	if err := s.store.SetSyncSetting(ctx, syncKeyStampKey, stamp); err != nil {
		return SyncStatus{}, err
	}
	return s.SyncStatus(ctx)
}
