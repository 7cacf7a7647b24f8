
namespace Baton.Core.Common;

public enum KeyRole { Agent, Admin }
