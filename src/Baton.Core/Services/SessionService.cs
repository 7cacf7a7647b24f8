#pragma warning disable CS9113 // TEMPORARY until bodies land
using Baton.Core.Domain;

namespace Baton.Core.Services;

/// <summary>Local implementation of <see cref="ISessionService"/> over the store. One instance per caller (cheap to make).</summary>
public sealed partial class SessionService(BatonCore core, Caller caller) : ISessionService
{
}
