using Baton.Core.Domain;

namespace Baton.Core.Configuration;

/// <summary>Reads <c>ventures.json</c> (format in DESIGN.md §3). TEMPORARY signature; body being written.</summary>
public static class VentureRegistryFile
{
    /// <summary>
    /// Parses and validates the file. Throws <see cref="VentureFileException"/> naming the file, the line and the
    /// problem (malformed JSON, missing field, bad code, duplicate code) — every problem found, not just the first.
    /// </summary>
    public static IReadOnlyList<Venture> Load(string path) => throw new NotImplementedException();
}

public sealed class VentureFileException(string message) : Exception(message);
