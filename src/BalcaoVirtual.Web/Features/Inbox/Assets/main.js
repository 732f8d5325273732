import { main, loadUnits } from './core.js';
import { workspace } from './workspace.js';
import { users } from './users.js';
import { cannedAnswers } from './canned.js';
import { unitSettings } from './units.js';
import { audit } from './audit.js';
import { privacy } from './privacy.js';
import { account } from './account.js';
import { agenda } from './agenda.js';

// Each page names its view; the workspace (list and conversation) is the default.
const views = { users, canned: cannedAnswers, units: unitSettings, audit, privacy, account, agenda };
await loadUnits();
await (views[main.dataset.view] || workspace)();
