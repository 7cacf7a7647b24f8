using System.Text.Json;
using Baton.Core.Application;
using Baton.Core.Common;
using ModelContextProtocol.Protocol;

namespace Baton.Mcp;

/// <summary>
/// A problem the agent can fix (no repo, no session yet, a bad argument): thrown inside a tool and turned into an error
/// result whose text is <see cref="Exception.Message"/>, which always says what to do next.
/// </summary>
public sealed class ToolProblem(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Error codes the MCP tools add to Core's <see cref="ErrorCodes"/>.</summary>
public static class McpErrorCodes
{
    public const string NoSession = "no_session";
    public const string NoRepository = "no_repository";
    public const string InvalidArgument = "invalid_argument";
    public const string NotAvailable = "not_available";
    public const string InvalidConfiguration = "invalid_configuration";
    public const string GhMissing = "gh_missing";
    public const string GhFailed = "gh_failed";
    public const string VentureBoundaryViolation = "VENTURE_BOUNDARY_VIOLATION";
}

/// <summary>
/// How every tool answers: markdown the agent reads as is, plus structured content carrying the same data (snake_case
/// JSON, as on the wire). Errors are results with <c>isError</c>, never protocol errors, so the model sees the fix.
/// </summary>
public static class ToolResults
{
    public static CallToolResult Ok(string markdown, object structured) => new()
    {
        Content = [new TextContentBlock { Text = markdown }],
        StructuredContent = JsonSerializer.SerializeToElement(structured, structured.GetType(), BatonJson.Options),
    };

    public static CallToolResult Error(string code, string message, object? details = null)
    {
        var structured = new Dictionary<string, object?> { ["error"] = code, ["message"] = message };
        if (details is not null) structured["details"] = details;
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = $"**Error ({code})**: {message}" }],
            StructuredContent = JsonSerializer.SerializeToElement(structured, BatonJson.Options),
        };
    }

    /// <summary>
    /// Runs a tool body and turns the failures an agent can act on into error results: Baton's own (with the server's
    /// detail), the tool's (<see cref="ToolProblem"/>). Anything else is a bug and stays an exception.
    /// </summary>
    public static async Task<CallToolResult> GuardAsync(BackendSource backend, Func<Task<CallToolResult>> body)
    {
        try
        {
            return await body();
        }
        catch (ToolProblem problem)
        {
            return Error(problem.Code, problem.Message);
        }
        catch (ArgumentProblem problem)
        {
            // The application handlers' "fix your call", in the codes this server has always answered with.
            return Error(problem.Kind == ArgumentProblemKind.NoRepository ? McpErrorCodes.NoRepository : McpErrorCodes.InvalidArgument, problem.Message);
        }
        catch (BatonException ex)
        {
            return Error(ex.Code, WhatToDo(ex, backend), ex.Errors);
        }
    }

    /// <summary>The detail of a Baton failure, plus the one hint only an MCP user needs: how the key gets into this process.</summary>
    public static string WhatToDo(BatonException ex, BackendSource backend)
    {
        if (ex.Code == ErrorCodes.Unauthorized && backend.Mode == BackendMode.Server)
        {
            return ex.Detail + " The agent CLI passes BATON_KEY to `baton mcp` from its MCP server config (env); " +
                   "or start the agent with `baton launch <venture>`, which sets it for you.";
        }
        return ex.Detail;
    }
}
