using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>The knowledge store's notes: write on request, update, archive, read, and full-text search (issue 3).</summary>
internal static class NotesApi
{
    public static IEndpointRouteBuilder MapNotesApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Notes");
        v1.MapPost("/notes", CreateNote);
        v1.MapPut("/notes/{id}", UpdateNote);
        v1.MapPost("/notes/{id}/archive", ArchiveNote);
        v1.MapGet("/notes/{id}", GetNote);
        v1.MapGet("/notes", SearchNotes);
        return app;
    }

    /// <summary>201 with the note and a Location to read it back.</summary>
    public static async Task<Created<Note>> CreateNote(CreateNoteRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var note = await services.Notes.CreateNoteAsync(request, ct);
        http.NoteVenture(note.Venture);
        return TypedResults.Created($"/v1/notes/{note.Id}", note);
    }

    public static async Task<Ok<Note>> UpdateNote(string id, UpdateNoteRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var note = await services.Notes.UpdateNoteAsync(id, request, ct);
        http.NoteVenture(note.Venture);
        return TypedResults.Ok(note);
    }

    public static async Task<Ok<Note>> ArchiveNote(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var note = await services.Notes.ArchiveNoteAsync(id, ct);
        http.NoteVenture(note.Venture);
        return TypedResults.Ok(note);
    }

    public static async Task<Ok<Note>> GetNote(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var note = await services.Notes.GetNoteAsync(id, ct);
        http.NoteVenture(note.Venture);
        return TypedResults.Ok(note);
    }

    /// <summary>Search (ranked best first) when <c>q</c> is given, else the newest notes; exact total either way.</summary>
    public static async Task<Ok<Page<NoteHit>>> SearchNotes(
        BatonServices services, HttpContext http,
        [FromQuery] string? q,
        [FromQuery] string? tag,
        [FromQuery] string? venture,
        [FromQuery(Name = "include_global")] string? includeGlobal,
        [FromQuery(Name = "include_archived")] string? includeArchived,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        var request = new NoteSearchRequest(
            q,
            tag,
            venture,
            QueryValues.BooleanOrNull("include_global", includeGlobal),
            QueryValues.BooleanOrNull("include_archived", includeArchived),
            QueryValues.LimitOrNull(limit),
            cursor);
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Notes.SearchNotesAsync(request, ct));
    }
}
