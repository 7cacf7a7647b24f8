using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Baton.Core.Ventures;


namespace Baton.Core.Application;

/// <summary>The in-process services for one caller: what the server builds per request and local mode builds once.</summary>
public sealed record BatonServices(
    ISessionService Sessions,
    IHandoffService Handoffs,
    IVentureService Ventures,
    IKeyService Keys,
    INoteService Notes,
    IDocService Docs,
    IMachineService Machines,
    IAlertService Alerts,
    ICadenceService Cadence)
{
    public static BatonServices For(BatonCore core, Caller caller) =>
        new(new SessionService(core, caller), new HandoffService(core, caller), new VentureService(core, caller), new KeyService(core, caller),
            new NoteService(core, caller), new DocService(core, caller), new MachineService(core, caller),
            new AlertService(core, caller), new CadenceService(core, caller));
}
