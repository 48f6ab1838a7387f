import Store

// Sync is built by the change-log issue; this target exists so the dependency direction
// newsdb -> Sync -> Store is fixed from the start.
