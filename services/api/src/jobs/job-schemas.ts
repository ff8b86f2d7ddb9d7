// Job request shapes: the id of a job to follow, workspace jobs (/v1/jobs) and system jobs
// (/v1/admin/search-index/jobs) alike.
import { z } from 'zod';

export const JobIdParams = z.object({ id: z.uuid('must be a job id (UUID)') });
