using System.Runtime.InteropServices;

namespace Baton.Cli;

/// <summary>The one libc call the CLI makes: <c>kill(2)</c>, for forwarding signals to a launched agent and stopping a worker's process groups.</summary>
internal static class Libc
{
    /// <summary><c>kill(pid, signal)</c>: a negative pid signals that process group; signal 0 only asks whether it exists. 0 on success, -1 otherwise.</summary>
    // DllImport, not LibraryImport: the generated stub would need unsafe code for two ints.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);
}
