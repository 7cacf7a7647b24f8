using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Common;
using Baton.Core.Knowledge;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton note add|update|archive|show</c> and <c>baton notes [query]</c>: the knowledge store. Notes are written only
/// when someone asks, and the services refuse content that looks like a secret (exit 1, the value never printed).
/// </summary>
public static class NoteCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime) => [BuildNote(runtime), BuildNotes(runtime)];

    private static Command BuildNote(CliRuntime runtime)
    {
        var command = new Command("note", "Write, change, archive or show one note of the knowledge store.");
        command.Subcommands.Add(BuildAdd(runtime));
        command.Subcommands.Add(BuildUpdate(runtime));
        command.Subcommands.Add(BuildArchive(runtime));
        command.Subcommands.Add(BuildShow(runtime));
        return command;
    }

    // ---- note add ----

    private static Command BuildAdd(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Venture code, or \"global\" for a note every venture sees. Default: the registered venture that owns the repo.");
        var title = new Option<string>("--title") { Description = "A short title.", Required = true };
        var content = new Option<string>("--content") { Description = "The note's text." };
        var file = new Option<string>("--file") { Description = "Read the note's text from this file." };
        var tags = new Option<string[]>("--tag") { Description = "A tag such as executive-summary (repeatable)." };
        var json = CommonOptions.Json();
        var command = new Command("add", "Write a note. Its text comes from --content, --file, or standard input when neither is given.");
        foreach (Option option in new Option[] { venture, title, content, file, tags, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var text = await ContentAsync(parse.GetValue(content), parse.GetValue(file), runtime, allowStdin: true, token);
            var ventureCode = parse.GetValue(venture) is { Length: > 0 } given
                ? given.Trim()
                : await CliTargets.VentureAsync(null, await CliTargets.RepoAsync(null, runtime, token), context.Services.Ventures, token);
            var request = new CreateNoteRequest(ventureCode, parse.GetValue(title), text, parse.GetValue(tags) ?? [], Source: "cli");
            await AddAsync(context.Services.Notes, request, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<Note> AddAsync(INoteService notes, CreateNoteRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var note = await notes.CreateNoteAsync(request, ct);
        if (json) Verb.WriteJson(output, note);
        else output.WriteLine($"Saved note {note.Id} for {note.Venture}: \"{note.Title}\"{TagSuffix(note)}.");
        return note;
    }

    // ---- note update ----

    private static Command BuildUpdate(CliRuntime runtime)
    {
        var id = new Argument<string>("id") { Description = "The note (note_…)." };
        var title = new Option<string>("--title") { Description = "A new title." };
        var content = new Option<string>("--content") { Description = "New text (replaces the old)." };
        var file = new Option<string>("--file") { Description = "Read the new text from this file." };
        var tags = new Option<string[]>("--tag") { Description = "The note's tags (repeatable; replaces the old set)." };
        var json = CommonOptions.Json();
        var command = new Command("update", "Change a note's title, text or tags; what is not given stays as it was.");
        command.Arguments.Add(id);
        foreach (Option option in new Option[] { title, content, file, tags, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var text = await ContentAsync(parse.GetValue(content), parse.GetValue(file), runtime, allowStdin: false, token);
            var newTags = parse.GetValue(tags) is { Length: > 0 } given ? given : null;
            if (parse.GetValue(title) is null && text is null && newTags is null)
                throw new UsageException("Nothing to change: give --title, --content, --file or --tag.");
            var request = new UpdateNoteRequest(parse.GetValue(title), text, newTags);
            await UpdateAsync(context.Services.Notes, parse.GetValue(id)!, request, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<Note> UpdateAsync(INoteService notes, string id, UpdateNoteRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var note = await notes.UpdateNoteAsync(id, request, ct);
        if (json) Verb.WriteJson(output, note);
        else output.WriteLine($"Updated note {note.Id} (\"{note.Title}\"{TagSuffix(note)}) at {Text.When(note.UpdatedAt)}.");
        return note;
    }

    // ---- note archive ----

    private static Command BuildArchive(CliRuntime runtime)
    {
        var id = new Argument<string>("id") { Description = "The note (note_…)." };
        var json = CommonOptions.Json();
        var command = new Command("archive", "Archive a note: searches and briefings leave it out unless archived notes are asked for.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var note = await context.Services.Notes.ArchiveNoteAsync(parse.GetValue(id)!, token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, note);
            else context.Out.WriteLine($"Archived note {note.Id} (\"{note.Title}\"). `baton notes --archived` still finds it.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- note show ----

    private static Command BuildShow(CliRuntime runtime)
    {
        var id = new Argument<string>("id") { Description = "The note (note_…)." };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one whole note.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var note = await context.Services.Notes.GetNoteAsync(parse.GetValue(id)!, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, note);
                return ExitCodes.Ok;
            }
            context.Out.WriteLine($"# {note.Title}");
            context.Out.WriteLine();
            context.Out.WriteLine($"{note.Id} · {note.Venture}{(note.Archived ? " · archived" : "")} · updated {Text.When(note.UpdatedAt)}" +
                                  (note.Tags.Count == 0 ? "" : $" · tags: {string.Join(", ", note.Tags)}"));
            context.Out.WriteLine();
            context.Out.WriteLine(note.Content.TrimEnd());
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- notes (search) ----

    private static Command BuildNotes(CliRuntime runtime)
    {
        var words = new Argument<string[]>("query") { Arity = ArgumentArity.ZeroOrMore, Description = "Words to search for (plain words; no query syntax needed). None lists the newest notes." };
        var tag = new Option<string>("--tag") { Description = "Only notes with this tag." };
        var venture = CommonOptions.Venture("Only this venture's notes (and global ones, unless --no-global).");
        var noGlobal = new Option<bool>("--no-global") { Description = "Leave out global notes." };
        var archived = new Option<bool>("--archived") { Description = "Include archived notes." };
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("notes", "Search notes (best match first, with a snippet) or list the newest, with the exact total.");
        command.Arguments.Add(words);
        foreach (Option option in new Option[] { tag, venture, noGlobal, archived, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var query = string.Join(' ', parse.GetValue(words) ?? []);
            var request = new NoteSearchRequest(
                Q: query.Length == 0 ? null : query,
                Tag: parse.GetValue(tag),
                Venture: parse.GetValue(venture),
                IncludeGlobal: parse.GetValue(noGlobal) ? false : null,
                IncludeArchived: parse.GetValue(archived) ? true : null,
                Limit: parse.GetValue(limit),
                Cursor: parse.GetValue(cursor));
            await SearchAsync(context.Services.Notes, request, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<Page<NoteHit>> SearchAsync(INoteService notes, NoteSearchRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var page = await notes.SearchNotesAsync(request, ct);
        if (json)
        {
            Verb.WriteJson(output, page);
            return page;
        }
        foreach (var hit in page.Items)
        {
            var n = hit.Note;
            output.WriteLine($"{n.Id}  [{n.Venture}]  {n.Title}{(n.Archived ? "  (archived)" : "")}");
            output.WriteLine($"    updated {Text.When(n.UpdatedAt)}{(n.Tags.Count == 0 ? "" : $" · tags: {string.Join(", ", n.Tags)}")}");
            // The snippet is a window of the note; one line keeps the list scannable.
            var snippet = hit.Snippet.ReplaceLineEndings(" ").Trim();
            if (snippet.Length > 0) output.WriteLine($"    {Text.Shorten(snippet, 200)}");
        }
        if (page.Items.Count > 0) output.WriteLine();
        output.WriteLine(Text.CountLine(page.Items.Count, page.Total, "note", page.NextCursor) +
                         (page.Items.Count > 0 ? "; `baton note show <id>` prints a whole note" : ""));
        return page;
    }

    // ---- shared ----

    /// <summary>
    /// The note text from --content, else --file, else (when allowed) standard input when it is redirected. Null when
    /// none was given and stdin is not allowed (an update that leaves the text alone).
    /// </summary>
    private static async Task<string?> ContentAsync(string? content, string? file, CliRuntime runtime, bool allowStdin, CancellationToken ct)
    {
        if (content is not null && file is not null) throw new UsageException("Give the text once: --content or --file, not both.");
        if (content is not null) return content;
        if (file is not null)
        {
            var path = Path.GetFullPath(file, runtime.WorkingDirectory);
            if (!File.Exists(path)) throw new UsageException($"--file {file}: no such file ({path}).");
            return await File.ReadAllTextAsync(path, ct);
        }
        if (!allowStdin) return null;
        if (!Console.IsInputRedirected)
            throw new UsageException("No note text: give --content \"…\", --file <path>, or pipe the text on standard input.");
        var piped = await Console.In.ReadToEndAsync(ct);
        if (piped.Trim().Length == 0)
            throw new UsageException("Standard input was empty: give --content \"…\", --file <path>, or pipe the note's text.");
        return piped;
    }

    private static string TagSuffix(Note note) => note.Tags.Count == 0 ? "" : $" [{string.Join(", ", note.Tags)}]";
}
