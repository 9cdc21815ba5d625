// `bastion add watchdog` / `yo bastion:watchdog`: adds the watchdog to an existing project, or
// updates the copy it has.
import Generator from 'yeoman-generator';
import { acceptPackageJsonMerge, requirePackageJson } from '../shared/existing-project.js';
import { addWatchdog } from './add-watchdog.js';

export default class WatchdogGenerator extends Generator {
  initializing(): void {
    requirePackageJson(this, 'bastion add watchdog');
  }

  writing(): void {
    addWatchdog(this);
    acceptPackageJsonMerge(this);
  }
}
