/** Backup routes: list, create, delete (200 with the deleted BackupDto) and the backup schedule (GET/PUT/DELETE). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { backupView } from "../views";
import { noContent, type ClusterParams, type RouteContext } from "./common";

type BackupParams = { Params: { clusterId: string; backupId: string } };

const scheduleBody = z.object({ schedule: z.string() });

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The values a cron field matches, or undefined when the field is invalid. */
function cronField(text: string, min: number, max: number, names?: string[], nameBase = 0): Set<number> | undefined {
  const value = (s: string): number => {
    const i = names ? names.indexOf(s.toUpperCase()) : -1;
    if (i >= 0) return i + nameBase;
    return /^\d+$/.test(s) ? Number(s) : NaN;
  };
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return undefined;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let lo = min;
    let hi = max;
    if (m[1] !== "*") {
      const [a, b] = m[1].split("-");
      lo = value(a);
      hi = b === undefined ? (m[2] === undefined ? lo : max) : value(b);
    }
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi || step < 1) return undefined;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Why a five-field UTC cron expression is refused (invalid, or more often than every 15 minutes), or undefined. */
export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return "The schedule is not a valid cron expression (expected 5 fields)";
  const minutes = cronField(fields[0], 0, 59);
  const hours = cronField(fields[1], 0, 23);
  const ok =
    minutes &&
    hours &&
    cronField(fields[2], 1, 31) &&
    cronField(fields[3], 1, 12, MONTHS, 1) &&
    cronField(fields[4], 0, 7, DAYS, 0);
  if (!ok) return "The schedule is not a valid cron expression";
  const ms = [...minutes].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < ms.length; i++) gap = Math.min(gap, ms[i] - ms[i - 1]);
  const consecutiveHours = [...hours].some((h) => hours.has((h + 1) % 24));
  if (consecutiveHours || hours.size === 24) gap = Math.min(gap, 60 - ms[ms.length - 1] + ms[0]);
  if (gap < 15) return "Backups can be scheduled at most once every 15 minutes";
  return undefined;
}

export function backupRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const config = { scope: "Backups" as const };

  app.get<ClusterParams>("/clusters/:clusterId/backups", { config }, async (req) => {
    return ctx.state.getCluster(req.params.clusterId).backups.map(backupView);
  });

  app.post<ClusterParams>("/clusters/:clusterId/backups", { config }, async (req) => {
    return backupView(ctx.state.createBackup(req.params.clusterId).backup);
  });

  app.get<ClusterParams>("/clusters/:clusterId/backups/schedule", { config }, async (req) => {
    const cluster = ctx.state.getCluster(req.params.clusterId);
    if (cluster.backupSchedule === undefined) {
      throw new ApiError(404, "No backup schedule configured for this cluster");
    }
    return { name: `${cluster.uuid}-schedule`, schedule: cluster.backupSchedule };
  });

  app.put<ClusterParams>("/clusters/:clusterId/backups/schedule", { config }, async (req) => {
    const body = parseBody(scheduleBody, req.body);
    const problem = cronProblem(body.schedule);
    if (problem) throw new ApiError(400, problem);
    ctx.state.setBackupSchedule(req.params.clusterId, body.schedule.trim());
    return { name: `${req.params.clusterId}-schedule`, schedule: body.schedule.trim() };
  });

  app.delete<ClusterParams>("/clusters/:clusterId/backups/schedule", { config }, async (req, reply) => {
    ctx.state.setBackupSchedule(req.params.clusterId, undefined);
    return noContent(reply);
  });

  app.delete<BackupParams>("/clusters/:clusterId/backups/:backupId", { config }, async (req) => {
    return backupView(ctx.state.deleteBackup(req.params.clusterId, req.params.backupId));
  });
}
