using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Requests;

namespace Baton.Storage.Relational;

/// <summary>
/// The idempotency record as both SQL stores keep it (docs/architecture.md §7): the row's columns and mapping, and the
/// <c>writes</c> column — a JSON array of <c>{ "type", "result" }</c>, one per write the request made under its key,
/// each appended in the transaction of the write itself. A result is the store method's return value in Baton's JSON
/// (the same form the wire uses), read back as the same type when a retry makes that write again. It is kept as a JSON
/// string, not parsed into the array: re-serialising would re-escape a handoff's canonical payload and change its bytes.
/// </summary>
internal static class IdempotencyRows
{
    public const string Columns =
        "request_hash, expires_at, writes, response_status, response_content_type, response_body, response_body_hash, response_location";

    public static IdempotencyRecord Record(DbDataReader r) => new(
        RequestHash: r.GetString(r.GetOrdinal("request_hash")),
        ExpiresAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("expires_at"))),
        Writes: DecodeWrites(r.IsDBNull(r.GetOrdinal("writes")) ? null : r.GetString(r.GetOrdinal("writes"))),
        Response: r.IsDBNull(r.GetOrdinal("response_status")) ? null : new StoredResponse(
            Status: r.GetInt32(r.GetOrdinal("response_status")),
            ContentType: r.GetString(r.GetOrdinal("response_content_type")),
            Body: r.IsDBNull(r.GetOrdinal("response_body")) ? null : r.GetFieldValue<byte[]>(r.GetOrdinal("response_body")),
            BodyHash: r.IsDBNull(r.GetOrdinal("response_body_hash")) ? null : r.GetString(r.GetOrdinal("response_body_hash")),
            Location: r.IsDBNull(r.GetOrdinal("response_location")) ? null : r.GetString(r.GetOrdinal("response_location"))));

    /// <summary>What write of type <typeparamref name="T"/> returned, as it is kept.</summary>
    public static StoredWrite Keep<T>(T result) => new(TypeName<T>(), JsonSerializer.Serialize(result, BatonJson.Options));

    /// <summary>The result an earlier attempt's write returned, as the type this write returns.</summary>
    /// <exception cref="InvalidOperationException">The earlier attempt made another kind of write at this position (a bug: a retry must make the same writes).</exception>
    public static T Replay<T>(StoredWrite stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Type != TypeName<T>())
            throw new InvalidOperationException($"The idempotency record holds a {stored.Type} where this write returns {TypeName<T>()}: a retry made different writes.");
        return JsonSerializer.Deserialize<T>(stored.Result, BatonJson.Options)!;
    }

    public static string EncodeWrites(IEnumerable<StoredWrite> writes)
    {
        var array = new JsonArray();
        foreach (var write in writes)
            array.Add(new JsonObject { ["type"] = write.Type, ["result"] = write.Result });
        return array.ToJsonString();
    }

    public static IReadOnlyList<StoredWrite> DecodeWrites(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var array = JsonNode.Parse(text)?.AsArray() ?? [];
        return array.Select(node => new StoredWrite(
            node!["type"]!.GetValue<string>(),
            node["result"]!.GetValue<string>())).ToList();
    }

    private static string TypeName<T>() => typeof(T).FullName ?? typeof(T).Name;
}
