namespace Baton.Core.Storage;

/// <summary>
/// The store cannot be reached or opened at start (a database server down, a wrong password). Any store throws it, so
/// front ends report it without knowing which store they run on. The message says what to check; it never holds a
/// password.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
