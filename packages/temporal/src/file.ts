export { FileJournalStore, type FileJournalStoreOptions } from './file-store.js';
export { MAX_FRAME, scanJournal } from './journal-format.js';
