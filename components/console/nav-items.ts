import {
  ChartColumn,
  CodeXml,
  FlaskConical,
  FileChartColumn,
  Globe,
  LayoutDashboard,
  Palette,
  Plug,
  RotateCcw,
  Settings,
  Users,
  Workflow,
  type LucideIcon,
} from "lucide-react";

export type NavItem = { segment: string; label: string; icon: LucideIcon; sandboxOnly?: boolean };

/** The console's sections, in the order of the navigation. */
export const navItems: NavItem[] = [
  { segment: "overview", label: "Overview", icon: LayoutDashboard },
  { segment: "analytics", label: "Analytics", icon: ChartColumn },
  { segment: "recoveries", label: "Recoveries", icon: RotateCcw },
  { segment: "sandbox", label: "Sandbox", icon: FlaskConical, sandboxOnly: true },
  { segment: "sequences", label: "Sequences", icon: Workflow },
  { segment: "branding", label: "Branding", icon: Palette },
  { segment: "domains", label: "Domains", icon: Globe },
  { segment: "integrations", label: "Integrations", icon: Plug },
  { segment: "developers", label: "Developers", icon: CodeXml },
  { segment: "team", label: "Team", icon: Users },
  { segment: "reports", label: "Reports", icon: FileChartColumn },
  { segment: "settings", label: "Settings", icon: Settings },
];
