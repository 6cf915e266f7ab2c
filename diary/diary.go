// Package diary holds the domain of Tsuzuri: what an entry is and how failures
// are described. It depends on nothing else in the project, so storage, search,
// the importers and the app can all speak of the same Entry without knowing
// each other.
package diary

import (
	"errors"
	"fmt"
	"time"
)

// Entry is one diary note.
type Entry struct {
	// ID is stable and sortable (a ULID for entries written here). An ID that
	// comes with an import is kept as it is.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Body is the Markdown source the user edits.
	Body string `json:"body"`
	// Date is the diary day, YYYY-MM-DD: the day the note is about, which is
	// not always the day it was written (CreatedAt).
	Date string   `json:"date"`
	Tags []string `json:"tags"`

	// Source names where an imported entry came from ("hatena", "jsonl", …);
	// empty for entries written in Tsuzuri.
	Source string `json:"source,omitempty"`
	// SourceKey identifies the entry within its source, so that importing the
	// same source again updates the entry instead of duplicating it.
	SourceKey string `json:"sourceKey,omitempty"`
	// SourceURL is the original location (a blog permalink), if any.
	SourceURL string `json:"sourceUrl,omitempty"`
	// OriginalHTML keeps an imported HTML body exactly as it was. It is never
	// shown unsanitised.
	OriginalHTML string `json:"originalHtml,omitempty"`
	// Comments are read-only comments that came with an imported entry.
	Comments []Comment `json:"comments,omitempty"`

	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	DeletedAt *time.Time `json:"deletedAt,omitempty"`

	// Conflicts counts the other texts of this entry, written on other
	// computers without seeing this one, that the person has not chosen
	// between yet (sync only).
	Conflicts int `json:"conflicts,omitempty"`
}

// Comment is a reader's comment kept with an imported entry.
type Comment struct {
	Author string    `json:"author"`
	Date   time.Time `json:"date"`
	Body   string    `json:"body"`
}

// DateLayout is the layout of Entry.Date.
const DateLayout = "2006-01-02"

// Error codes say what kind of failure happened, so a caller can decide what
// to do (explain, offer a choice, retry) without parsing messages.
const (
	EInvalid   = "invalid"   // the input was wrong; the message says how
	ENotFound  = "not_found" // the thing asked for does not exist
	EConflict  = "conflict"  // the operation clashes with the current state
	ELocked    = "locked"    // another process holds the data folder
	ECancelled = "cancelled" // the person stopped it
	EInternal  = "internal"  // a bug or an environment failure
	EDiskFull  = "disk_full" // no room left where the data folder is
	ECorrupt   = "corrupt"   // the database is damaged; a backup can replace it
	EReadOnly  = "read_only" // the diary is open for reading only (it is damaged)
	// EPassphrase: an encrypted sync folder needs its passphrase, or the
	// one given does not open it.
	EPassphrase = "passphrase"
)

// Error is a failure meant to be shown to a person: Message is written for
// them, Code is for the program.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the human message of the first *Error in err's chain,
// or a generic one: details of unexpected errors belong in logs, not in
// front of the user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error"
}
