#pragma warning disable CS9113 // TEMPORARY until bodies land
using Baton.Core.Domain;

namespace Baton.Core.Services;

/// <summary>Local implementation of <see cref="IHandoffService"/> over the store. One instance per caller (cheap to make).</summary>
public sealed partial class HandoffService(BatonCore core, Caller caller) : IHandoffService
{
}
